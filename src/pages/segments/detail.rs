//! A segment's page: what it selects, its members (each a link to the customer), the members
//! as a CSV file, and a message batch to them.

use super::{batch::MessageBatch, classes_text, form::SegmentForm, member_positions, SegmentKey};
use crate::i18n::phrase;
use crate::ui::criteria::criterion_words;
use crate::ui::custom_fields::{reading, shown_definitions};
use crate::ui::widgets::refused;
use crate::{
    download::{file_saver, vcards_text, VcardExport, VCARD_MIME},
    i18n::{source_msg, stage_msg, use_locale, Counted, Locale, Msg},
    local_time::{now_ms, use_calendar},
    ui::browser_title,
    ui::{
        editing::delete_with_undo,
        format::money_text,
        labels::{rfm_class_msg, rfm_segment_msg},
        widgets::ShowMore,
        PageHeader,
    },
    workspace::{use_workspace, LoadState},
};
use leptos::{either::EitherOf3, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by_key;
use rabet_domain::{
    calendar::{format_day, Calendar},
    custom_field::FieldOwner,
    export::{contacts_csv, CustomColumns},
    model::{Segment, SegmentFilter},
    money::Currency,
};

/// Members listed before "show more".
const FIRST_MEMBERS: usize = 50;

/// The segment a page shows, resolved.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    key: SegmentKey,
    name: String,
    filter: SegmentFilter,
    /// The saved record, for editing and deleting; `None` for a built-in segment.
    saved: Option<Segment>,
}

/// The criteria of a filter, one line each ("Stage: Customer, Lead").
fn criteria(
    filter: &SegmentFilter,
    locale: Locale,
    calendar: Calendar,
    currency: Currency,
) -> Vec<String> {
    let lang = locale.lang();
    let names = |msgs: Vec<Msg>| {
        msgs.into_iter()
            .map(|m| m.text(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = |label: Msg, value: String| {
        locale.fill(phrase::FieldProblem {
            field: locale.t(label),
            problem: &value,
        })
    };
    let day = |day| format_day(day, calendar, lang);
    let mut lines = Vec::new();
    if !filter.tags.is_empty() {
        lines.push(line(Msg::Tags, filter.tags.join(", ")));
    }
    if !filter.lifecycle_stages.is_empty() {
        lines.push(line(
            Msg::LifecycleStage,
            names(
                filter
                    .lifecycle_stages
                    .iter()
                    .map(|s| stage_msg(*s))
                    .collect(),
            ),
        ));
    }
    if !filter.sources.is_empty() {
        lines.push(line(
            Msg::LeadSource,
            names(filter.sources.iter().map(|s| source_msg(*s)).collect()),
        ));
    }
    if let Some(after) = filter.last_purchase_after {
        lines.push(line(Msg::LastPurchaseAfter, day(after)));
    }
    if let Some(before) = filter.last_purchase_before {
        lines.push(line(Msg::LastPurchaseBefore, day(before)));
    }
    if let Some(minor) = filter.min_spend_minor {
        lines.push(line(Msg::MinSpend, money_text(minor, currency)));
    }
    if !filter.rfm_classes.is_empty() {
        lines.push(line(
            Msg::KpiRfmClass,
            names(
                filter
                    .rfm_classes
                    .iter()
                    .map(|c| rfm_class_msg(*c))
                    .collect(),
            ),
        ));
    }
    if !filter.text.trim().is_empty() {
        lines.push(line(Msg::SearchText, filter.text.trim().to_owned()));
    }
    lines.extend(
        filter
            .custom
            .iter()
            .map(|criterion| criterion_words(locale, criterion)),
    );
    lines
}

#[component]
pub fn SegmentView() -> impl IntoView {
    let workspace = use_workspace();
    let locale = use_locale();
    let params = use_params_map();
    let shown = Memo::new(move |_| {
        // A saved segment's id is known once segments are loaded: look again when they change.
        workspace.segments.track();
        let key = SegmentKey::parse(&params.with(|p| p.get("id").unwrap_or_default()))?;
        match &key {
            SegmentKey::Builtin(segment) => Some(Shown {
                name: locale.t(rfm_segment_msg(*segment)).to_owned(),
                filter: segment.filter(),
                saved: None,
                key,
            }),
            SegmentKey::Saved(id) => workspace
                .segments
                .with(|s| s.get(id).cloned())
                .map(|saved| Shown {
                    name: saved.name.clone(),
                    filter: saved.filter.clone(),
                    saved: Some(saved),
                    key,
                }),
        }
    });
    move || match shown.get() {
        Some(shown) => EitherOf3::A(view! { <SegmentPage shown=shown /> }),
        None if workspace.state.get() == LoadState::Loading => EitherOf3::B(view! {
            <PageHeader title=Msg::NavSegments intro=Msg::Loading />
        }),
        None => EitherOf3::C(view! {
            <PageHeader title=Msg::NavSegments intro=Msg::SegmentNotFound />
            <A href="/segments">{move || locale.t(Msg::BackToSegments)}</A>
        }),
    }
}

#[component]
fn SegmentPage(shown: Shown) -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Segment));
    let workspace = use_workspace();
    let calendar = use_calendar();
    let navigate = use_navigate();
    let now = now_ms();
    let Shown {
        key,
        name,
        filter,
        saved,
    } = shown;
    let filter = StoredValue::new(filter);
    // Members by name; positions in the contacts collection, which change with it.
    let members = Memo::new(move |_| {
        let mut positions = filter
            .with_value(|f| member_positions(workspace, std::slice::from_ref(f), now))
            .pop()
            .unwrap_or_default();
        workspace.contacts.with(|contacts| {
            sort_by_key(&mut positions, |at| contacts.at(*at).display_name());
        });
        positions
    });
    let limit = RwSignal::new(FIRST_MEMBERS);
    let rows = move || {
        let shown: Vec<usize> = members.with(|m| m.iter().take(limit.get()).copied().collect());
        workspace.contacts.with(|contacts| {
            shown
                .into_iter()
                .map(|at| contacts.at(at).clone())
                .collect::<Vec<_>>()
        })
    };
    let total = move || members.with(Vec::len);
    let about = move || {
        let currency = workspace.settings.with(|s| s.currency);
        let mut lines = filter.with_value(|f| criteria(f, locale, calendar.get(), currency));
        if let SegmentKey::Builtin(segment) = &key {
            lines.insert(0, classes_text(*segment, locale.lang()));
        }
        if lines.is_empty() {
            lines.push(locale.t(Msg::EveryContact).to_owned());
        }
        lines
            .into_iter()
            .map(|line| view! { <li><bdi>{line}</bdi></li> })
            .collect_view()
    };
    // The contacts' custom fields, a column each.
    let custom = Memo::new(move |_| (shown_definitions(FieldOwner::Contact), reading()));
    let save_file = file_saver();
    let export = move |_| {
        let (fields, reading) = custom.get_untracked();
        let text = workspace.contacts.with_untracked(|contacts| {
            workspace.companies.with_untracked(|companies| {
                workspace.members.with_untracked(|team| {
                    members.with_untracked(|positions| {
                        contacts_csv(
                            positions.iter().map(|at| contacts.at(*at)),
                            &|id| companies.get(id).map(|c| c.name.clone()),
                            &|id| team.get(id).map(|m| m.display_name().to_owned()),
                            Some(CustomColumns {
                                fields: &fields,
                                reading,
                            }),
                        )
                    })
                })
            })
        });
        save_file("segment.csv", "text/csv;charset=utf-8", &text);
    };
    let export_vcard = move |version| {
        workspace.contacts.with_untracked(|contacts| {
            members.with_untracked(|positions| {
                let shown = positions.iter().map(|at| contacts.at(*at));
                let text = vcards_text(workspace, shown, version);
                save_file("segment.vcf", VCARD_MIME, &text);
            })
        });
    };
    let editing = RwSignal::new(false);
    let writing = RwSignal::new(false);
    let saved = StoredValue::new(saved);
    let delete = move |_| {
        let Some(segment) = saved.get_value() else {
            return;
        };
        let navigate = navigate.clone();
        let name = segment.name.clone();
        delete_with_undo(segment, name, move || {
            navigate("/segments", Default::default())
        });
    };
    let title = name.clone();
    view! {
        <Title text=move || browser_title(locale, &title) />
        <header class="page-header record-header">
            <div>
                <p class="header-meta"><A href="/segments">{move || locale.t(Msg::NavSegments)}</A></p>
                <h1><bdi>{name}</bdi></h1>
                <ul class="plain segment-criteria">{about}</ul>
            </div>
            <div class="record-actions">
                <button type="button" class="button" on:click=export>{move || locale.t(Msg::ExportCsv)}</button>
                <VcardExport save=export_vcard />
                <button type="button" class="button" aria-expanded=move || writing.get().to_string()
                    on:click=move |_| writing.update(|w| *w = !*w)>
                    {move || locale.t(Msg::MessageBatch)}
                </button>
                {saved.with_value(Option::is_some).then(|| view! {
                    <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| editing.set(true)>{move || locale.t(Msg::Edit)}</button>
                    <button type="button" class="button danger" disabled=move || refused.get().is_some() on:click=delete.clone()>{move || locale.t(Msg::Delete)}</button>
                })}
            </div>
        </header>
        <Show when=move || writing.get()>
            <MessageBatch members=members />
        </Show>
        <section class="segment-members" aria-labelledby="members-title">
            <h2 id="members-title">
                {move || locale.count(Counted::Members, total())}
            </h2>
            <Show when=move || !members.with(Vec::is_empty)
                fallback=move || view! { <p class="empty">{move || locale.t(Msg::NoMembers)}</p> }>
                <ul class="plain record-list" aria-labelledby="members-title">
                    <For each=rows key=|c| c.id.clone() let:contact>
                        <li class="record-row">
                            <A href=format!("/customers/{}", contact.id) attr:class="row-link">
                                <span class="row-main">
                                    <bdi class="row-title">{contact.display_name()}</bdi>
                                    <bdi class="row-sub">{contact.job_title.clone()}</bdi>
                                </span>
                                <span class="row-meta">
                                    <span class=format!("badge stage-{}", contact.lifecycle_stage.as_str())>
                                        {move || locale.t(stage_msg(contact.lifecycle_stage))}
                                    </span>
                                </span>
                            </A>
                        </li>
                    </For>
                </ul>
                <ShowMore limit=limit step=FIRST_MEMBERS * 4 total=Signal::derive(total) />
            </Show>
        </section>
        <Show when=move || editing.get()>
            {move || saved.get_value().map(|segment| view! {
                <SegmentForm initial=Some(segment) on_done=Callback::new(move |_| editing.set(false)) />
            })}
        </Show>
    }
}
