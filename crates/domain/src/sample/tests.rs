use std::collections::HashSet;
use std::fmt::Debug;

use super::*;
use crate::calendar::{Calendar, GregorianDate};
use crate::import::{guess_mapping, import_rows, ImportContext};
use crate::report::dashboard::lists::*;
use crate::report::dashboard::series::funnel;
use crate::report::dashboard::*;
use crate::rfm::RfmThresholds;
use crate::time::{DayRange, Zone};
use crate::validate::Validate;

fn options(seed: u64, contacts: usize, lang: Lang) -> SampleOptions {
    SampleOptions {
        seed,
        contacts,
        lang,
        today: GregorianDate::new(2025, 3, 20).unwrap().to_day(),
    }
}

#[test]
fn the_same_seed_gives_the_same_sample() {
    let first = generate(&options(7, 300, Lang::Fa));
    assert_eq!(first, generate(&options(7, 300, Lang::Fa)));
    assert_ne!(first, generate(&options(8, 300, Lang::Fa)));
    assert_eq!(first.contacts.len(), 300);
}

fn assert_valid<E: Validate + Entity + Debug>(records: &[E]) {
    for record in records {
        let errors = record.validate();
        assert!(errors.is_empty(), "{record:?}: {errors:?}");
    }
}

#[test]
fn every_record_validates_and_every_reference_resolves() {
    for lang in Lang::ALL {
        let sample = generate(&options(1, 1_000, lang));
        assert_valid(std::slice::from_ref(&sample.settings));
        assert_valid(&sample.team);
        assert_valid(&sample.pipelines);
        assert_valid(&sample.products);
        assert_valid(&sample.campaigns);
        assert_valid(&sample.companies);
        assert_valid(&sample.contacts);
        assert_valid(&sample.deals);
        assert_valid(&sample.invoices);
        assert_valid(&sample.activities);
        assert_valid(&sample.tasks);
        assert_valid(&sample.tickets);

        let ids = |ids: Vec<&Id>| -> HashSet<Id> { ids.into_iter().cloned().collect() };
        let contacts = ids(sample.contacts.iter().map(|c| &c.id).collect());
        let companies = ids(sample.companies.iter().map(|c| &c.id).collect());
        let team = ids(sample.team.iter().map(|m| &m.id).collect());
        let deals = ids(sample.deals.iter().map(|d| &d.id).collect());
        let products = ids(sample.products.iter().map(|p| &p.id).collect());
        let campaigns = ids(sample.campaigns.iter().map(|c| &c.id).collect());
        let in_set =
            |set: &HashSet<Id>, id: &Option<Id>| id.as_ref().is_none_or(|id| set.contains(id));
        let pipeline = &sample.pipelines[0];
        assert_eq!(
            sample.settings.default_pipeline_id.as_ref(),
            Some(&pipeline.id)
        );
        let mut all_ids = HashSet::new();
        for deal in &sample.deals {
            assert_eq!(deal.pipeline_id, pipeline.id);
            assert!(pipeline.stage(&deal.stage_id).is_some());
            assert!(deal
                .stage_history
                .iter()
                .all(|change| pipeline.stage(&change.to).is_some()));
            assert!(deal
                .contact_id
                .as_ref()
                .is_some_and(|id| contacts.contains(id)));
            assert!(in_set(&companies, &deal.company_id) && in_set(&team, &deal.owner_id));
            assert!(in_set(&campaigns, &deal.campaign_id));
            assert!(all_ids.insert(deal.id.clone()));
        }
        for contact in &sample.contacts {
            assert!(in_set(&companies, &contact.company_id));
            assert!(in_set(&team, &contact.owner_id) && in_set(&campaigns, &contact.campaign_id));
            assert!(all_ids.insert(contact.id.clone()));
        }
        for invoice in &sample.invoices {
            assert!(in_set(&contacts, &invoice.contact_id) && in_set(&deals, &invoice.deal_id));
            assert!(invoice
                .lines
                .iter()
                .all(|line| in_set(&products, &line.product_id)));
            assert!(all_ids.insert(invoice.id.clone()));
        }
        for activity in &sample.activities {
            assert!(in_set(&contacts, &activity.contact_id) && in_set(&deals, &activity.deal_id));
            assert!(in_set(&team, &activity.author_id));
        }
        for ticket in &sample.tickets {
            assert!(in_set(&contacts, &ticket.contact_id) && in_set(&team, &ticket.assignee_id));
        }
        for task in &sample.tasks {
            let link = task.link.as_ref().unwrap();
            assert!(link.kind == EntityKind::Contact && contacts.contains(&link.id));
        }
    }
}

#[test]
fn persian_samples_are_in_persian_script() {
    let sample = generate(&options(3, 50, Lang::Fa));
    let persian = |text: &str| text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    assert!(sample.contacts.iter().all(|c| persian(&c.full_name())));
    assert!(sample.companies.iter().all(|c| persian(&c.name)));
    assert!(sample.contacts.iter().all(|c| persian(&c.address.city)));
    assert_eq!(sample.settings.currency, Currency::Toman);
    let english = generate(&options(3, 50, Lang::En));
    assert!(!english.contacts.iter().any(|c| persian(&c.full_name())));
}

#[test]
fn every_dashboard_card_and_list_has_data() {
    let sample = generate(&options(11, 2_000, Lang::Fa));
    let today = sample_today();
    let now = Sample::now(today);
    let records = sample.records();
    let ledger = Ledger::new(&records, &Zone::default());
    let books = Books {
        records,
        ledger: &ledger,
    };
    let quarter = Scope::new(
        Preset::ThisQuarter.range(today, Calendar::Jalali),
        None,
        &sample.settings,
        Zone::default(),
    );
    let year = Scope {
        period: DayRange::new(Day(today.0 - 364), today),
        ..quarter.clone()
    };
    assert!(revenue(&books, &year).get(Currency::Toman) > 0);
    for scope in [&quarter, &year] {
        assert!(average_order_value(&books, scope).is_some());
        assert!(win_rate(&books, scope).is_some());
        assert!(sales_cycle(&books, scope).is_some());
        assert!(lead_conversion_rate(&books, scope).is_some());
        assert!(churn_rate(&books, scope).is_some_and(|rate| rate.part > 0));
        assert!(csat(&books, scope).is_some());
        assert!(predicted_lifetime_value(&books, scope).is_some());
        assert!(compare(scope, |s| win_rate(&books, s)).change.is_some());
    }
    assert!(historic_lifetime_value(&books, &year).is_some());
    assert!(pipeline_value(&books, &year).count > 0);
    assert!(campaign_returns(&books, &year)
        .iter()
        .any(|campaign| campaign.revenue.minor > 0));
    let rfm = rfm_distribution(&books, &year, &RfmThresholds::fixed(Currency::Toman));
    assert!(rfm.iter().filter(|(_, count)| *count > 0).count() >= 5);
    let steps = funnel(&records, &year, &sample.pipelines[0]).steps;
    assert!(steps.iter().all(|step| step.reached > 0));

    assert!(!dormant_customers(&records, &year, now).is_empty());
    assert!(!overdue_invoices(&records, &year, now).is_empty());
    assert!(!quotes_without_follow_up(&records, &year, now, 7).is_empty());
    assert!(sla_breaches(&records, &year, now).iter().any(|t| t.open));
    assert!(!stale_deals(&records, &year, now, sample.settings.stale_deal_days).is_empty());
    let sold = product_performance(&books, &year);
    assert_eq!(
        slow_products(records.products, &sold, year.currency)[0].units,
        0
    );
    assert!(sample.tasks.iter().any(|task| task.is_overdue(now)));
}

fn sample_today() -> Day {
    options(0, 0, Lang::Fa).today
}

#[test]
fn backups_restore_to_the_same_records() {
    let sample = generate(&options(5, 60, Lang::En));
    let node = NodeId::from_random([9; 8]);
    let backup = sample.backup(node, 1_742_500_000_000);
    let json = backup.to_json();
    let pieces: String = Backup::json_pieces(
        backup.created_at,
        &node,
        sample.backup_records(node, 1_742_500_000_000),
    )
    .collect();
    assert_eq!(pieces, json);

    let replica = Backup::parse(&json).unwrap().restore_replace();
    let restored: Vec<Contact> = replica
        .live(EntityKind::Contact)
        .map(|(id, record)| {
            let mut fields = record.to_map();
            fields.insert("id".into(), id.to_string().into());
            Contact::from_fields(fields).unwrap()
        })
        .collect();
    let mut expected = sample.contacts.clone();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(restored, expected);
    let deals = replica.live(EntityKind::Deal).count();
    assert_eq!(deals, sample.deals.len());
    assert!(replica
        .get(EntityKind::Settings, &Id::from_string(Settings::ID))
        .is_some());
}

#[test]
fn contacts_csv_imports_back_without_rejections() {
    let sample = generate(&options(5, 200, Lang::Fa));
    let table = crate::csv::parse(&sample.contacts_csv()).unwrap();
    let mapping = guess_mapping(&table.headers);
    let mut counter = 0;
    let mut new_id = || {
        counter += 1;
        Id::from_string(format!("new-{counter}"))
    };
    let mut ctx = ImportContext::new(&mut new_id, 0, None, &sample.companies, &sample.team, &[]);
    let outcome = import_rows(&table, &mapping, &mut ctx);
    assert!(outcome.rejected.is_empty(), "{:?}", outcome.rejected);
    assert!(outcome.duplicates.is_empty() && outcome.new_companies.is_empty());
    assert_eq!(outcome.contacts.len(), 200);
    let owners = |contacts: &[Contact]| -> Vec<Option<Id>> {
        contacts.iter().map(|c| c.owner_id.clone()).collect()
    };
    assert_eq!(owners(&outcome.contacts), owners(&sample.contacts));
}

#[test]
fn some_contacts_fill_the_sample_custom_fields() {
    let sample = generate(&options(7, 300, Lang::En));
    assert_valid(&sample.field_definitions);
    assert_eq!(sample.field_definitions.len(), 2);
    for definition in &sample.field_definitions {
        let filled = sample
            .contacts
            .iter()
            .filter(|contact| contact.custom.get(definition).is_some())
            .count();
        assert!(
            (30..270).contains(&filled),
            "{}: {filled}",
            definition.label_en
        );
    }
    // In the backup too, before the contacts that hold their values.
    let backup = sample.backup(NodeId::from_random([1; 8]), 0);
    let kinds: Vec<EntityKind> = backup.records.iter().map(|record| record.entity).collect();
    let definitions = kinds
        .iter()
        .position(|kind| *kind == EntityKind::FieldDefinition)
        .unwrap();
    let contacts = kinds.iter().position(|kind| *kind == EntityKind::Contact);
    assert!(contacts.is_some_and(|contacts| definitions < contacts));
}
