//! Sample workspaces: realistic, deterministic data for demos, tests and benchmarks.
//!
//! [`generate`] builds a whole workspace from a seed, a number of contacts, a language and a
//! day "today": a team, the default pipeline, products, campaigns, companies, contacts, and
//! two years of deals (with stage history), quotes and invoices, activities, tasks and tickets,
//! in proportion to the contacts. The same options always give the same records. It is built
//! so that every dashboard card and list has something to show: customers who stopped buying,
//! overdue invoices, quotes nobody followed up, stale deals, tickets that broke their SLA,
//! products that do not sell.
//!
//! The records are the entity structs the app saves; [`Sample::backup`] and
//! [`Sample::backup_records`] turn them into a backup file ([`crate::backup`]), and
//! [`Sample::contacts_csv`] into the contacts CSV the importer reads.

mod words;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::backup::{Backup, BackupRecord};
use crate::calendar::Day;
use crate::custom_field::{ChoiceOption, CustomValue, FieldOwner, FieldType};
use crate::export::contacts_csv;
use crate::hlc::{Clock, NodeId};
use crate::id::{Id, WireId};
use crate::kind::EntityKind;
use crate::locale::Lang;
use crate::model::{
    Activity, ActivityKind, Address, Campaign, Channel, Company, Contact, Deal, DealStatus,
    Direction, Discount, Email, EmailLabel, Entity, FieldDefinition, Invoice, InvoiceKind,
    InvoiceStatus, LeadSource, LifecycleStage, LineItem, MessageChannel, Phone, PhoneLabel,
    Pipeline, Priority, Product, RecordRef, Role, Settings, Task, TeamMember, Ticket, TicketStatus,
};
use crate::money::{Currency, Money};
use crate::op::{Op, OpBuilder};
use crate::replica::Record;
use crate::report::dashboard::Records;
use crate::time::Instant;
use words::Words;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// How far back the sample's history goes.
const HISTORY_DAYS: i64 = 730;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleOptions {
    pub seed: u64,
    /// Number of contacts; every other kind is in proportion.
    pub contacts: usize,
    /// Names, places and phrases in this language; Toman for Persian, dollars for English.
    pub lang: Lang,
    /// The history ends on this day (the generated "now" is its 18:00 UTC).
    pub today: Day,
}

/// A generated workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    pub settings: Settings,
    pub team: Vec<TeamMember>,
    pub pipelines: Vec<Pipeline>,
    pub products: Vec<Product>,
    pub campaigns: Vec<Campaign>,
    pub companies: Vec<Company>,
    pub contacts: Vec<Contact>,
    pub deals: Vec<Deal>,
    pub invoices: Vec<Invoice>,
    pub activities: Vec<Activity>,
    pub tasks: Vec<Task>,
    pub tickets: Vec<Ticket>,
    /// A few custom fields of contacts, which some contacts fill.
    pub field_definitions: Vec<FieldDefinition>,
}

impl Sample {
    /// The records as the KPI functions read them.
    pub fn records(&self) -> Records<'_> {
        Records {
            contacts: &self.contacts,
            pipelines: &self.pipelines,
            deals: &self.deals,
            invoices: &self.invoices,
            tickets: &self.tickets,
            activities: &self.activities,
            products: &self.products,
            campaigns: &self.campaigns,
        }
    }

    /// The generated "now": 18:00 UTC of the sample's today.
    pub fn now(today: Day) -> i64 {
        today.to_unix_ms() + 18 * HOUR
    }

    /// Every record as a backup record, one at a time (so a large sample is written without
    /// holding its backup in memory): the ops the app's store writes when it saves a new
    /// record (every field but `id`, empty fields skipped), stamped by a clock of `node` at
    /// `wall_ms`, with op ids drawn from `wall_ms`.
    pub fn backup_records(
        &self,
        node: NodeId,
        wall_ms: u64,
    ) -> impl Iterator<Item = BackupRecord> + '_ {
        self.records_ops(node, wall_ms).map(|(entity, id, ops)| {
            let mut record = Record::default();
            for op in &ops {
                record.apply(op);
            }
            BackupRecord { entity, id, record }
        })
    }

    /// The same ops as [`Sample::backup_records`], record by record: what a device that
    /// saved the sample pushes to a sync server.
    pub fn sync_ops(&self, node: NodeId, wall_ms: u64) -> impl Iterator<Item = Op> + '_ {
        self.records_ops(node, wall_ms).flat_map(|(_, _, ops)| ops)
    }

    /// Each record's kind, id and the ops that create it (see [`Sample::backup_records`]).
    fn records_ops(
        &self,
        node: NodeId,
        wall_ms: u64,
    ) -> impl Iterator<Item = (EntityKind, Id, Vec<Op>)> + '_ {
        let mut clock = Clock::new(node);
        let mut op_ids = Rng(wall_ms);
        let created = i64::try_from(wall_ms).unwrap_or(i64::MAX);
        self.fields().map(move |(entity, id, fields)| {
            let mut new_id = || op_ids.op_id(created);
            let ops = OpBuilder::new(&mut clock, wall_ms, &mut new_id)
                .edit_ops(entity, &id, None, &fields)
                .expect("generated records are plain fields with valid names");
            (entity, id, ops)
        })
    }

    /// The whole sample as a backup made by `node` at `created_at` (Unix ms).
    pub fn backup(&self, node: NodeId, created_at: i64) -> Backup {
        let wall_ms = u64::try_from(created_at).unwrap_or(0);
        Backup {
            created_at,
            node,
            records: self.backup_records(node, wall_ms).collect(),
        }
    }

    /// Every record's kind, id and synced fields, in the order a restore should apply them
    /// (what others point at first).
    fn fields(&self) -> impl Iterator<Item = (EntityKind, Id, Map<String, Value>)> + '_ {
        fn of<E: Entity>(
            items: &[E],
        ) -> impl Iterator<Item = (EntityKind, Id, Map<String, Value>)> + '_ {
            items.iter().map(|item| {
                let mut fields = item.to_fields();
                fields.remove("id");
                (E::KIND, item.id().clone(), fields)
            })
        }
        of(std::slice::from_ref(&self.settings))
            .chain(of(&self.field_definitions))
            .chain(of(&self.team))
            .chain(of(&self.pipelines))
            .chain(of(&self.products))
            .chain(of(&self.campaigns))
            .chain(of(&self.companies))
            .chain(of(&self.contacts))
            .chain(of(&self.deals))
            .chain(of(&self.invoices))
            .chain(of(&self.activities))
            .chain(of(&self.tasks))
            .chain(of(&self.tickets))
    }

    /// The contacts as the export's CSV, which the importer reads back.
    pub fn contacts_csv(&self) -> String {
        let companies: HashMap<&Id, &str> = self
            .companies
            .iter()
            .map(|company| (&company.id, company.name.as_str()))
            .collect();
        let team: HashMap<&Id, &str> = self
            .team
            .iter()
            .map(|member| (&member.id, member.display_name()))
            .collect();
        contacts_csv(
            &self.contacts,
            &|id| companies.get(id).map(|name| (*name).to_owned()),
            &|id| team.get(id).map(|name| (*name).to_owned()),
            None,
        )
    }
}

/// Builds a sample workspace; see the module documentation.
pub fn generate(options: &SampleOptions) -> Sample {
    let mut generator = Generator::new(options);
    generator.team();
    generator.pipeline();
    generator.products();
    generator.campaigns();
    generator.companies();
    generator.contacts();
    generator.custom_fields();
    generator.sample
}

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough for sample data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `low..high`, or `low` when the range is empty.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + (self.next() % (high - low) as u64) as i64
    }

    /// A number in `0.0..1.0`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *self.choose(items)
    }

    fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An item by weight (weights need not sum to anything).
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, weight)| weight).sum();
        let mut ticket = self.below(total as usize) as u32;
        for (item, weight) in items {
            if ticket < *weight {
                return *item;
            }
            ticket -= weight;
        }
        items[items.len() - 1].0
    }

    /// A UUIDv7 for a record created at `at`.
    fn id(&mut self, at: i64) -> Id {
        Id::v7(u64::try_from(at).unwrap_or(0), self.uuid_random())
    }

    /// A UUIDv7 for an op made at `at`.
    fn op_id(&mut self, at: i64) -> WireId {
        WireId::v7(u64::try_from(at).unwrap_or(0), self.uuid_random())
    }

    /// A UUIDv7's random part.
    fn uuid_random(&mut self) -> [u8; 10] {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_le_bytes());
        random[8..].copy_from_slice(&self.next().to_le_bytes()[..2]);
        random
    }
}

/// What the generator knows about a contact while making its history.
#[derive(Clone, Copy, Default)]
struct Purchases {
    first: Option<i64>,
    last: Option<i64>,
}

impl Purchases {
    fn add(&mut self, at: i64) {
        self.first = Some(self.first.map_or(at, |first| first.min(at)));
        self.last = Some(self.last.map_or(at, |last| last.max(at)));
    }
}

struct Generator<'o> {
    options: &'o SampleOptions,
    words: &'static Words,
    rng: Rng,
    currency: Currency,
    now: i64,
    start: i64,
    sample: Sample,
    sellers: Vec<Id>,
    support: Vec<Id>,
    invoice_numbers: u32,
}

impl<'o> Generator<'o> {
    fn new(options: &'o SampleOptions) -> Self {
        let (words, currency) = match options.lang {
            Lang::Fa => (&words::FA, Currency::Toman),
            Lang::En => (&words::EN, Currency::Usd),
        };
        let now = Sample::now(options.today);
        Generator {
            options,
            words,
            rng: Rng(options.seed),
            currency,
            now,
            start: now - HISTORY_DAYS * DAY,
            sample: Sample::default(),
            sellers: Vec::new(),
            support: Vec::new(),
            invoice_numbers: 1_000,
        }
    }

    /// A count in proportion to the contacts: `per_thousand` per 1 000, at least `min`.
    fn per_thousand(&self, per_thousand: usize, min: usize) -> usize {
        (self.options.contacts * per_thousand / 1_000).max(min)
    }

    fn money(&self, major: i64) -> i64 {
        major * 10_i64.pow(self.currency.minor_digits())
    }

    fn person_name(&mut self) -> (String, String) {
        (
            self.rng.pick(self.words.first_names).to_owned(),
            self.rng.pick(self.words.last_names).to_owned(),
        )
    }

    /// A moment between `from` and the sample's now.
    fn since(&mut self, from: i64) -> i64 {
        self.rng.between(from.max(self.start), self.now)
    }

    fn team(&mut self) {
        const ROLES: [Role; 6] = [
            Role::Sales,
            Role::Support,
            Role::Sales,
            Role::Marketing,
            Role::Sales,
            Role::Manager,
        ];
        let size = self.per_thousand(1, 3).min(40);
        for index in 0..size {
            let role = match index {
                0 => Role::Admin,
                _ => ROLES[(index - 1) % ROLES.len()],
            };
            // Distinct names, so the CSV's owner column maps back to one member each.
            let words = self.words;
            let first = words.first_names[index % words.first_names.len()];
            let last = words.last_names[(index * 7) % words.last_names.len()];
            let id = self.rng.id(self.start);
            match role {
                Role::Support => self.support.push(id.clone()),
                Role::Marketing => {}
                _ => self.sellers.push(id.clone()),
            }
            self.sample.team.push(TeamMember {
                id,
                name: format!("{first} {last}"),
                email: format!("member{}@example.com", index + 1),
                role,
                // One who left keeps the records they owned.
                active: !(size > 5 && index == size - 1),
                ..TeamMember::default()
            });
        }
    }

    fn pipeline(&mut self) {
        let id = self.rng.id(self.start);
        let start = self.start;
        let rng = &mut self.rng;
        let pipeline = Pipeline::default_sales(id, self.words.pipeline_names(), || rng.id(start));
        self.sample.settings = Settings {
            workspace_name: self.words.workspace.to_owned(),
            currency: self.currency,
            lost_reasons: self
                .words
                .lost_reasons
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
            default_pipeline_id: Some(pipeline.id.clone()),
            ..Settings::default()
        };
        self.sample.pipelines.push(pipeline);
    }

    fn products(&mut self) {
        for (index, (name, major)) in self.words.products.iter().enumerate() {
            let id = self.rng.id(self.start);
            self.sample.products.push(Product {
                id,
                name: (*name).to_owned(),
                sku: format!("P-{:03}", index + 1),
                price: Money::new(self.money(*major), self.currency),
                // The last product is discontinued.
                active: index + 1 < self.words.products.len(),
                created_at: self.start,
                ..Product::default()
            });
        }
    }

    fn campaigns(&mut self) {
        let count = self.per_thousand(1, 4).min(24);
        for index in 0..count {
            let start_day = Day::from_unix_ms(self.since(self.start));
            let end_day = Day(start_day.0 + self.rng.between(7, 45) as i32);
            let base = self.rng.pick(self.words.campaigns);
            let round = index / self.words.campaigns.len();
            let name = if round == 0 {
                base.to_owned()
            } else {
                format!("{base} {}", round + 1)
            };
            let major = self.rng.between(500, 5_000) * self.cost_scale();
            let cost = self.money(major);
            let id = self.rng.id(start_day.to_unix_ms());
            self.sample.campaigns.push(Campaign {
                id,
                name,
                channel: self.rng.pick(Channel::ALL),
                cost: Money::new(cost, self.currency),
                start_date: Some(start_day),
                end_date: Some(end_day),
                created_at: start_day.to_unix_ms(),
                ..Campaign::default()
            });
        }
    }

    /// Toman prices are about 10 000 times dollar prices.
    fn cost_scale(&self) -> i64 {
        match self.currency {
            Currency::Toman => 10_000,
            Currency::Irr => 100_000,
            Currency::Usd | Currency::Eur => 1,
        }
    }

    fn phone(&self, kind: u8, index: usize) -> String {
        // Numbers from the index are unique; the kind keeps contacts and companies apart.
        match (self.options.lang, kind) {
            (Lang::Fa, 0) => format!("+989{}{:08}", 1 + index / 100_000_000, index % 100_000_000),
            (Lang::Fa, _) => format!("+9821{:08}", index % 100_000_000),
            (Lang::En, 0) => format!("+1415{:07}", index % 10_000_000),
            (Lang::En, _) => format!("+1312{:07}", index % 10_000_000),
        }
    }

    fn address(&mut self) -> Address {
        Address {
            line: format!(
                "{} {}",
                self.rng.pick(self.words.streets),
                self.rng.between(1, 200)
            ),
            city: self.rng.pick(self.words.cities).to_owned(),
            country: match self.options.lang {
                Lang::Fa => "IR",
                Lang::En => "US",
            }
            .to_owned(),
            ..Address::default()
        }
    }

    fn companies(&mut self) {
        let count = self.per_thousand(250, 1);
        let names = self.words.company_stems.len() * self.words.company_suffixes.len();
        for index in 0..count {
            let created_at = self.since(self.start);
            let mut name = format!(
                "{} {}",
                self.words.company_stems[index % self.words.company_stems.len()],
                self.words.company_suffixes
                    [(index / self.words.company_stems.len()) % self.words.company_suffixes.len()]
            );
            if index >= names {
                name = format!("{name} {}", index / names + 1);
            }
            let id = self.rng.id(created_at);
            let address = self.address();
            let owner = self.rng.choose(&self.sellers).clone();
            self.sample.companies.push(Company {
                id,
                name,
                industry: self.rng.pick(self.words.industries).to_owned(),
                website: format!("https://company{}.example.com", index + 1),
                phones: vec![Phone {
                    label: PhoneLabel::Work,
                    number: self.phone(1, index),
                }],
                address,
                owner_id: Some(owner),
                created_at,
                ..Company::default()
            });
        }
    }

    /// Two custom fields of contacts — a tier (a choice) and a renewal day — filled on some
    /// contacts. Fixed ids, so loading the sample twice, or on two devices, makes one of
    /// each; their own random numbers, so the rest of the sample stays as it was.
    fn custom_fields(&mut self) {
        let mut rng = Rng(self.options.seed ^ 0xc0ff_ee00);
        let option = |id: &str, en: &str, fa: &str| ChoiceOption {
            id: id.to_owned(),
            label_en: en.to_owned(),
            label_fa: fa.to_owned(),
        };
        let tier = FieldDefinition {
            id: Id::from_string("sample-field-tier"),
            owner: FieldOwner::Contact,
            field_type: FieldType::Choice,
            label_en: "Tier".into(),
            label_fa: "سطح مشتری".into(),
            order: 0,
            options: vec![
                option("gold", "Gold", "طلایی"),
                option("silver", "Silver", "نقره‌ای"),
                option("bronze", "Bronze", "برنزی"),
            ],
            ..FieldDefinition::default()
        };
        let renewal = FieldDefinition {
            id: Id::from_string("sample-field-renewal"),
            owner: FieldOwner::Contact,
            field_type: FieldType::Date,
            label_en: "Contract renewal".into(),
            label_fa: "تمدید قرارداد".into(),
            order: 1,
            ..FieldDefinition::default()
        };
        let today = Instant(self.now).day();
        for contact in &mut self.sample.contacts {
            if rng.chance(0.5) {
                let tiers = ["gold", "silver", "bronze"];
                let value = CustomValue::Choice(rng.pick(&tiers).to_owned());
                contact.custom.set(&tier, Some(value));
            }
            if rng.chance(0.3) {
                let day = Day(today.0 + rng.between(-30, 365) as i32);
                contact.custom.set(&renewal, Some(CustomValue::Date(day)));
            }
        }
        self.sample.field_definitions = vec![tier, renewal];
    }

    fn contacts(&mut self) {
        for index in 0..self.options.contacts {
            let contact = self.contact(index);
            self.sample.contacts.push(contact);
            let mut bought = Purchases::default();
            let is_customer = self.rng.chance(0.55);
            if is_customer {
                self.orders(index, &mut bought);
            }
            if self.rng.chance(0.45) {
                self.deal(index, &mut bought);
            }
            self.activities(index);
            if self.rng.chance(0.3) {
                self.task(index);
            }
            if self.rng.chance(if is_customer { 0.25 } else { 0.05 }) {
                self.ticket(index);
            }
            set_lifecycle(
                &mut self.sample.contacts[index],
                bought,
                self.now,
                &mut self.rng,
            );
        }
    }

    fn contact(&mut self, index: usize) -> Contact {
        let created_at = self.since(self.start);
        let (first_name, last_name) = self.person_name();
        let phone = self.phone(0, index);
        let emails = if self.rng.chance(0.7) {
            let local = match self.options.lang {
                Lang::En => format!(
                    "{}.{}{}",
                    first_name.to_lowercase(),
                    last_name.to_lowercase(),
                    index
                ),
                Lang::Fa => format!("customer{index}"),
            };
            vec![Email {
                label: EmailLabel::Work,
                address: format!("{local}@example.com"),
            }]
        } else {
            Vec::new()
        };
        let source = self.rng.weighted(&[
            (Some(LeadSource::Website), 20),
            (Some(LeadSource::Instagram), 25),
            (Some(LeadSource::Telegram), 8),
            (Some(LeadSource::Phone), 10),
            (Some(LeadSource::Referral), 15),
            (Some(LeadSource::Exhibition), 5),
            (Some(LeadSource::Campaign), 10),
            (Some(LeadSource::WalkIn), 4),
            (None, 3),
        ]);
        let campaign_id = (source == Some(LeadSource::Campaign))
            .then(|| self.rng.choose(&self.sample.campaigns).id.clone());
        let company = self
            .rng
            .chance(0.5)
            .then(|| self.rng.choose(&self.sample.companies).id.clone());
        let tag_count = self.rng.weighted(&[(0usize, 6), (1, 3), (2, 1)]);
        let mut tags: Vec<String> = (0..tag_count)
            .map(|_| self.rng.pick(self.words.tags).to_owned())
            .collect();
        tags.dedup();
        let address = self.address();
        Contact {
            id: self.rng.id(created_at),
            first_name,
            last_name,
            job_title: if company.is_some() {
                self.rng.pick(self.words.job_titles).to_owned()
            } else {
                String::new()
            },
            company_id: company,
            whatsapp: if self.rng.chance(0.5) {
                phone.clone()
            } else {
                String::new()
            },
            phones: vec![Phone {
                label: PhoneLabel::Mobile,
                number: phone,
            }],
            emails,
            address,
            owner_id: Some(self.rng.choose(&self.sellers).clone()),
            tags,
            source,
            campaign_id,
            created_at,
            ..Contact::default()
        }
    }

    /// 1–3 lines of the products that sell (the last two never do).
    fn lines(&mut self) -> Vec<LineItem> {
        let selling = self.sample.products.len().saturating_sub(2).max(1);
        let count = self.rng.weighted(&[(1usize, 6), (2, 3), (3, 1)]);
        (0..count)
            .map(|_| {
                // Earlier products sell more: the minimum of two draws favours small indexes.
                let index = self.rng.below(selling).min(self.rng.below(selling));
                let product = &self.sample.products[index];
                let discount = if self.rng.chance(0.15) {
                    Discount::Percent {
                        basis_points: self.rng.pick(&[500, 1_000, 1_500]),
                    }
                } else {
                    Discount::None
                };
                LineItem {
                    product_id: Some(product.id.clone()),
                    description: product.name.clone(),
                    quantity: self.rng.weighted(&[(1, 6), (2, 3), (5, 1)]),
                    unit_price_minor: product.price.minor,
                    discount,
                }
            })
            .collect()
    }

    /// A quote or invoice for the contact, issued at `at`.
    fn document(
        &mut self,
        index: usize,
        kind: InvoiceKind,
        at: i64,
        lines: Vec<LineItem>,
    ) -> Invoice {
        let contact = &self.sample.contacts[index];
        self.invoice_numbers += 1;
        let issue = Day::from_unix_ms(at);
        let valid_days = match kind {
            InvoiceKind::Quote => 30,
            InvoiceKind::Invoice => 14,
        };
        Invoice {
            id: self.rng.id(at),
            kind,
            number: format!("{}-{}", issue.to_gregorian().year, self.invoice_numbers),
            contact_id: Some(contact.id.clone()),
            company_id: contact.company_id.clone(),
            owner_id: contact.owner_id.clone(),
            currency: self.currency,
            lines,
            tax_rate_bp: match self.options.lang {
                Lang::Fa => 1_000,
                Lang::En => 0,
            },
            issue_date: Some(issue),
            due_date: Some(Day(issue.0 + valid_days)),
            created_at: at,
            ..Invoice::default()
        }
    }

    /// A customer's orders: from soon after it arrived, at its own pace, until it stops
    /// buying (a third stop, leaving dormant customers) or today.
    fn orders(&mut self, index: usize, bought: &mut Purchases) {
        let created = self.sample.contacts[index].created_at;
        let mut at = created + self.rng.between(0, 60) * DAY;
        let pace_days = self.rng.between(20, 240);
        let stops = if self.rng.chance(0.35) {
            self.since(at)
        } else {
            self.now
        };
        let mut count = 0;
        while at < stops && count < 40 {
            let lines = self.lines();
            let mut invoice = self.document(index, InvoiceKind::Invoice, at, lines);
            let paid_at = at + self.rng.between(0, 20) * DAY;
            let today = Day::from_unix_ms(self.now);
            if self.rng.chance(0.03) {
                invoice.status = InvoiceStatus::Cancelled;
            } else if paid_at <= self.now {
                invoice.status = InvoiceStatus::Paid;
                invoice.paid_at = Some(paid_at);
                bought.add(paid_at);
            } else if invoice.due_date.is_some_and(|due| due < today) && self.rng.chance(0.5) {
                invoice.status = InvoiceStatus::Overdue;
            } else {
                invoice.status = InvoiceStatus::Sent;
            }
            self.sample.invoices.push(invoice);
            count += 1;
            at += ((pace_days as f64) * (0.5 + self.rng.unit())) as i64 * DAY;
        }
    }

    /// A deal of the contact moving through the default pipeline. Old deals are closed (about
    /// a third won); recent ones are mostly open, some untouched long enough to be stale.
    fn deal(&mut self, index: usize, bought: &mut Purchases) {
        let contact = &self.sample.contacts[index];
        let (contact_id, company_id, owner, source, campaign) = (
            contact.id.clone(),
            contact.company_id.clone(),
            contact.owner_id.clone(),
            contact.source,
            contact.campaign_id.clone(),
        );
        let title = format!("{} {}", self.words.deal_prefix, contact.display_name());
        let created = self.since(contact.created_at);
        let lines = self.lines();
        let value = crate::model::lines_subtotal_minor(&lines);
        let pipeline = self.sample.pipelines[0].clone();
        let open: Vec<_> = pipeline
            .stages
            .iter()
            .filter(|s| s.outcome == DealStatus::Open)
            .collect();
        let recent = self.now - created < 90 * DAY;
        let outcome = if recent && self.rng.chance(0.7) {
            DealStatus::Open
        } else {
            self.rng
                .weighted(&[(DealStatus::Won, 35), (DealStatus::Lost, 65)])
        };
        let reached = match outcome {
            DealStatus::Won => open.len(),
            _ => 1 + self.rng.below(open.len()),
        };
        let mut deal = Deal {
            id: self.rng.id(created),
            title,
            pipeline_id: pipeline.id.clone(),
            contact_id: Some(contact_id),
            company_id,
            value: Money::new(value, self.currency),
            owner_id: owner.clone(),
            source,
            campaign_id: campaign,
            lines: lines.clone(),
            tags: Vec::new(),
            created_at: created,
            ..Deal::default()
        };
        // Each move a few days after the one before, never past now.
        let mut at = created;
        let mut proposal_at = None;
        for (step, stage) in open.iter().take(reached).enumerate() {
            deal.move_to_stage(stage, at, owner.clone());
            if step == 2 {
                proposal_at = Some(at);
            }
            at = (at + self.rng.between(1, 20) * DAY).min(self.now);
        }
        match outcome {
            DealStatus::Open => {
                let close = Day::from_unix_ms(self.now).0 + self.rng.between(-20, 120) as i32;
                deal.expected_close = Some(Day(close));
            }
            DealStatus::Won | DealStatus::Lost => {
                let stage = pipeline
                    .first_stage_with(outcome)
                    .expect("default pipeline");
                deal.move_to_stage(stage, at, owner.clone());
                deal.expected_close = Some(Day::from_unix_ms(at));
                if outcome == DealStatus::Lost {
                    deal.lost_reason = self.rng.pick(self.words.lost_reasons).to_owned();
                }
            }
        }
        if let Some(issued) = proposal_at {
            let mut quote = self.document(index, InvoiceKind::Quote, issued, lines.clone());
            quote.deal_id = Some(deal.id.clone());
            quote.status = match outcome {
                DealStatus::Won => InvoiceStatus::Accepted,
                DealStatus::Lost => InvoiceStatus::Cancelled,
                DealStatus::Open => InvoiceStatus::Sent,
            };
            self.sample.invoices.push(quote);
        }
        if outcome == DealStatus::Won {
            let mut invoice = self.document(index, InvoiceKind::Invoice, at, lines);
            invoice.deal_id = Some(deal.id.clone());
            invoice.status = InvoiceStatus::Paid;
            invoice.paid_at = Some(at);
            bought.add(at);
            self.sample.invoices.push(invoice);
        }
        // Most deals were talked about; open deals left alone go stale.
        if self.rng.chance(0.7) {
            let last = deal.closed_at.unwrap_or(self.now);
            let when = self.rng.between(created, last.max(created + 1));
            let activity = self.activity(index, when, Some(deal.id.clone()));
            self.sample.activities.push(activity);
        }
        self.sample.deals.push(deal);
    }

    fn activities(&mut self, index: usize) {
        let created = self.sample.contacts[index].created_at;
        for _ in 0..self
            .rng
            .weighted(&[(0usize, 2), (1, 3), (2, 3), (3, 2), (5, 1)])
        {
            let when = self.since(created);
            let activity = self.activity(index, when, None);
            self.sample.activities.push(activity);
        }
    }

    fn activity(&mut self, index: usize, at: i64, deal_id: Option<Id>) -> Activity {
        let contact = &self.sample.contacts[index];
        let kind = self.rng.weighted(&[
            (ActivityKind::Call, 40),
            (ActivityKind::Message, 25),
            (ActivityKind::Meeting, 10),
            (ActivityKind::Email, 15),
            (ActivityKind::Note, 10),
        ]);
        let (contact_id, company_id, author) = (
            contact.id.clone(),
            contact.company_id.clone(),
            contact.owner_id.clone(),
        );
        Activity {
            id: self.rng.id(at),
            kind,
            channel: (kind == ActivityKind::Message).then(|| self.rng.pick(MessageChannel::ALL)),
            direction: (kind != ActivityKind::Note).then(|| {
                self.rng
                    .weighted(&[(Direction::Outbound, 6), (Direction::Inbound, 4)])
            }),
            at,
            duration_min: matches!(kind, ActivityKind::Call | ActivityKind::Meeting)
                .then(|| self.rng.between(2, 60) as u32),
            outcome: if kind == ActivityKind::Call {
                self.rng.pick(self.words.call_outcomes).to_owned()
            } else {
                String::new()
            },
            subject: self.rng.pick(self.words.activity_subjects).to_owned(),
            author_id: author,
            contact_id: Some(contact_id),
            company_id,
            deal_id,
            ..Activity::default()
        }
    }

    /// A follow-up due within a month either side of now: overdue, today and upcoming.
    fn task(&mut self, index: usize) {
        let contact = &self.sample.contacts[index];
        let (contact_id, assignee) = (contact.id.clone(), contact.owner_id.clone());
        let due = self.now + self.rng.between(-30, 30) * DAY + self.rng.between(-8, 8) * HOUR;
        let created_at = (due - self.rng.between(1, 20) * DAY).max(self.start);
        let done_at = (due < self.now && self.rng.chance(0.7)).then_some(due);
        self.sample.tasks.push(Task {
            id: self.rng.id(created_at),
            title: self.rng.pick(self.words.task_titles).to_owned(),
            due_at: Some(due),
            remind_at: Some(due - HOUR),
            assignee_id: assignee,
            done_at,
            link: Some(RecordRef {
                kind: EntityKind::Contact,
                id: contact_id,
            }),
            created_at,
            ..Task::default()
        });
    }

    /// A support case: answered and resolved, mostly within its SLA, rated by most; the last
    /// ten days' cases partly still open, some past their SLA.
    fn ticket(&mut self, index: usize) {
        let contact = &self.sample.contacts[index];
        let (contact_id, company_id) = (contact.id.clone(), contact.company_id.clone());
        let created_at = self.since(contact.created_at);
        let priority = self.rng.weighted(&[
            (Priority::Low, 2),
            (Priority::Normal, 5),
            (Priority::High, 2),
            (Priority::Urgent, 1),
        ]);
        let sla = match priority {
            Priority::Urgent => 4 * HOUR,
            Priority::High => DAY,
            Priority::Normal => 2 * DAY,
            Priority::Low => 4 * DAY,
        };
        let still_open = self.now - created_at < 10 * DAY && self.rng.chance(0.5);
        let first_response = created_at + self.rng.between(10 * MINUTE, sla / 2 + 10 * MINUTE);
        let resolved = created_at + self.rng.between(HOUR, sla * 8 / 5);
        let (status, resolved_at, csat) = if still_open || resolved > self.now {
            let status =
                self.rng
                    .pick(&[TicketStatus::New, TicketStatus::Open, TicketStatus::Pending]);
            (status, None, None)
        } else {
            let rating = self.rng.chance(0.7).then(|| {
                self.rng
                    .weighted(&[(1u8, 5), (2, 7), (3, 13), (4, 35), (5, 40)])
            });
            let status = self
                .rng
                .pick(&[TicketStatus::Resolved, TicketStatus::Closed]);
            (status, Some(resolved), rating)
        };
        let assignee = self.rng.choose(&self.support).clone();
        self.sample.tickets.push(Ticket {
            id: self.rng.id(created_at),
            subject: self.rng.pick(self.words.ticket_subjects).to_owned(),
            contact_id: Some(contact_id),
            company_id,
            channel: self.rng.pick(Channel::ALL),
            status,
            priority,
            sla_due_at: Some(created_at + sla),
            first_response_at: (status != TicketStatus::New && first_response <= self.now)
                .then_some(first_response),
            resolved_at,
            csat,
            assignee_id: Some(assignee),
            created_at,
            ..Ticket::default()
        });
    }
}

/// Customers become customers at their first order; some who stopped buying are later marked
/// inactive or churned; the others are leads or prospects.
fn set_lifecycle(contact: &mut Contact, bought: Purchases, now: i64, rng: &mut Rng) {
    match (bought.first, bought.last) {
        (Some(first), Some(last)) => {
            contact.set_lifecycle_stage(LifecycleStage::Customer, first.max(contact.created_at));
            let idle_days = (now - last) / DAY;
            if idle_days > 180 && rng.chance(0.4) {
                contact.set_lifecycle_stage(LifecycleStage::Churned, last + 180 * DAY);
            } else if idle_days > 90 && rng.chance(0.3) {
                contact.set_lifecycle_stage(LifecycleStage::Inactive, last + 90 * DAY);
            }
        }
        _ => {
            if rng.chance(0.4) {
                let at = contact.created_at + rng.between(0, 30) * DAY;
                contact.set_lifecycle_stage(LifecycleStage::Prospect, at.min(now));
            }
        }
    }
}
