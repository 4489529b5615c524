//! A record's field history, as a region on its page: each change with who made it and when,
//! the value it replaced and the new one, changes that lost a concurrent edit marked as not
//! kept, and "Restore this value".

use crate::{
    i18n::{phrase, store_error_msg, use_locale, Locale, Msg},
    local_time::{format_when, use_calendar},
    store::StoreError,
    sync::{use_sync, SyncEngine},
    ui::{
        custom_fields::value_words, editing::failure_reporter, parties::customer_name,
        widgets::refused,
    },
    workspace::{use_workspace, Workspace},
};
use leptos::{either::Either, prelude::*};
use rabet_domain::{
    custom_field::{CustomValue, CUSTOM_PREFIX},
    feed::list_difference,
    history::Change,
    id::Id,
    kind::EntityKind,
    model::{FieldDefinition, RecordRef},
    op::DELETED_FIELD,
};
use serde_json::Value;

/// Changes shown at first; "Show more" adds as many again.
const PAGE: usize = 50;

/// The "History" region of a record's page.
#[component]
pub fn FieldHistory(kind: EntityKind, id: Id) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let heading = format!("history-{}", id.as_str());
    let record = id.clone();
    let changes = LocalResource::new(move || {
        // Read again after every write here and every change merged from elsewhere.
        workspace.local_writes.track();
        workspace.remote_changes.track();
        let record = record.clone();
        async move {
            let changes = workspace.history(kind, &record).await?;
            Ok::<_, StoreError>(
                changes
                    .into_iter()
                    .filter(|change| is_shown(kind, &change.field))
                    .collect::<Vec<_>>(),
            )
        }
    });
    let shown = RwSignal::new(PAGE);
    let body = move || match changes.get() {
        None => Either::Left(None),
        Some(Err(error)) => Either::Left(Some(
            view! { <p class="form-failure" role="alert">{locale.t(store_error_msg(&error))}</p> },
        )),
        Some(Ok(changes)) if changes.is_empty() => Either::Left(Some(
            view! { <p class="empty">{locale.t(Msg::HistoryEmpty)}</p> },
        )),
        Some(Ok(changes)) => {
            let total = changes.len();
            let id = id.clone();
            let rows = changes
                .into_iter()
                .take(shown.get())
                .map(|change| view! { <ChangeRow kind id=id.clone() change /> })
                .collect_view();
            Either::Right(view! {
                <ol class="history-list">{rows}</ol>
                <Show when=move || { total > shown.get() }>
                    <button type="button" class="button" on:click=move |_| shown.update(|n| *n += PAGE)>
                        {move || {
                            let more = (total - shown.get()).min(PAGE);
                            locale.fill(phrase::ShowMore {
                                count: &locale.number(more),
                            })
                        }}
                    </button>
                </Show>
            })
        }
    };
    view! {
        <section class="card history" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{move || locale.t(Msg::HistoryHeading)}</h2>
            {body}
        </section>
    }
}

#[component]
fn ChangeRow(kind: EntityKind, id: Id, change: Change) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let sync = use_sync();
    let workspace = use_workspace();
    let report = failure_reporter();
    let refused = refused(Some(kind));
    let who = author_words(sync, locale, change.author.clone());
    let at = change.stamp.wall_ms as i64;
    let when = move || format_when(at, calendar.get(), locale.lang());
    let what = change_words(workspace, locale, kind, &change);
    let lost = !change.won;
    let restorable = change.restorable().cloned();
    let restore = restorable.map(|value| {
        let field_name = change.field.clone();
        let label = value_text(Some(&value));
        let restore = move |_| {
            let (id, field_name, value) = (id.clone(), field_name.clone(), value.clone());
            leptos::task::spawn_local(async move {
                if let Err(error) = workspace.restore_field(kind, &id, &field_name, value).await {
                    report(&error);
                }
            });
        };
        view! {
            <button
                type="button"
                class="button subtle"
                disabled=move || refused.get().is_some()
                aria-label=move || locale.fill(phrase::HistoryRestoreNamed { value: &label })
                on:click=restore
            >
                {move || locale.t(Msg::HistoryRestore)}
            </button>
        }
    });
    view! {
        <li class="history-entry" class:lost=lost>
            <p class="history-who"><bdi>{who}</bdi>" · "<span dir="auto">{when}</span></p>
            <p class="history-what" dir="auto">{what}</p>
            {lost.then(|| view! { <p class="history-lost">{move || locale.t(Msg::HistoryNotKept)}</p> })}
            {restore}
        </li>
    }
}

/// Whether a change is one a person reads in a history: a deletion, a restoration, or a
/// change of a field with a name (see [`field_label`]) or of a custom field.
pub fn is_shown(kind: EntityKind, field: &str) -> bool {
    field == DELETED_FIELD || field.starts_with(CUSTOM_PREFIX) || field_label(kind, field).is_some()
}

/// Who made a change, in words: "You", a teammate's name, or "A teammate" for a member the
/// team list does not have (yet).
pub fn author_words(
    sync: SyncEngine,
    locale: Locale,
    author: Option<String>,
) -> impl Fn() -> String + Send + Sync + 'static {
    move || {
        if sync.is_me(author.as_deref()) {
            locale.t(Msg::HistoryYou).to_owned()
        } else {
            author
                .as_deref()
                .and_then(|author| sync.member_name(author))
                .unwrap_or_else(|| locale.t(Msg::HistoryTeammate).to_owned())
        }
    }
}

/// What a change did, in words: "Phone: 1 → 2" (names for the ids of stages, members and
/// customers), "Deleted" or "Restored"; tracked, so it follows the language and the names.
pub fn change_words(
    workspace: Workspace,
    locale: Locale,
    kind: EntityKind,
    change: &Change,
) -> impl Fn() -> String + Send + Sync + 'static {
    let deletion = change.deletion();
    let name = change.field.clone();
    let (old, new) = (change.old.clone(), change.new.clone());
    move || match deletion {
        Some(true) => locale.t(Msg::NotAcceptedDeletion).to_owned(),
        Some(false) => locale.t(Msg::NotAcceptedRestored).to_owned(),
        None => {
            let (field, words) = field_words(workspace, locale, kind, &name);
            locale.fill(phrase::HistoryChange {
                field: &field,
                old: &words(old.as_ref()),
                new: &words(Some(&new)),
            })
        }
    }
}

/// What a bulk change of a list's selection did, in words, from the change of one record it
/// wrote: the tag it added or removed, or the value it set — the same on every record (what
/// each held before differs; each record's History says).
pub fn bulk_change_words(
    workspace: Workspace,
    locale: Locale,
    kind: EntityKind,
    change: &Change,
) -> impl Fn() -> String + Send + Sync + 'static {
    let one_record = change_words(workspace, locale, kind, change);
    let deletion = change.deletion().is_some();
    let tags = (change.field == "tags")
        .then(|| list_difference(change))
        .flatten();
    let name = change.field.clone();
    let new = change.new.clone();
    move || match (&tags, deletion) {
        (_, true) => one_record(),
        (Some((added, tags)), false) => {
            let tag = &tags.join(locale.t(Msg::ListSeparator));
            match added {
                true => locale.fill(phrase::ActivityTagAdded { tag }),
                false => locale.fill(phrase::ActivityTagRemoved { tag }),
            }
        }
        (None, false) => {
            let (field, words) = field_words(workspace, locale, kind, &name);
            locale.fill(phrase::ActivitySetTo {
                field: &field,
                new: &words(Some(&new)),
            })
        }
    }
}

/// A field's name and its values in words: a custom field by its definition's label and its
/// values as its type shows them.
fn field_words(
    workspace: Workspace,
    locale: Locale,
    kind: EntityKind,
    name: &str,
) -> (String, impl Fn(Option<&Value>) -> String + '_) {
    let custom = custom_definition(workspace, name);
    let field = match (&custom, field_label(kind, name)) {
        (Some(definition), _) => definition.label(locale.lang()).to_owned(),
        (None, msg) => msg.map_or("", |msg| locale.t(msg)).to_owned(),
    };
    let words = move |value: Option<&Value>| match &custom {
        Some(definition) => value
            .and_then(|value| CustomValue::from_json(definition.field_type, value))
            .map_or_else(|| value_text(None), |value| value_words(definition, &value)),
        None => named(workspace, locale, name, value).unwrap_or_else(|| value_text(value)),
    };
    (field, words)
}

/// A field's name in words, or `None` for fields a person does not edit: those kept as
/// consequences of others (a deal's stage history and dates, when a contact became a
/// customer, …), which would only repeat the change that caused them, untranslated.
fn field_label(kind: EntityKind, field: &str) -> Option<Msg> {
    // Fields whose name says something else on another kind.
    match (kind, field) {
        (EntityKind::Pipeline, "name") => return Some(Msg::PipelineName),
        (EntityKind::Pipeline, "stages") => return Some(Msg::HistoryStages),
        (EntityKind::MessageTemplate, "name") => return Some(Msg::TemplateLabel),
        (EntityKind::MessageTemplate, "body") => return Some(Msg::MessageText),
        (EntityKind::Settings, "calendar") => return Some(Msg::Calendar),
        (EntityKind::Settings, "time_zone") => return Some(Msg::TimeZone),
        (EntityKind::Settings, "stale_deal_days") => return Some(Msg::StaleDays),
        (EntityKind::Settings, "lost_reasons") => return Some(Msg::LostReasons),
        _ => {}
    }
    Some(match field {
        "first_name" => Msg::FirstName,
        "last_name" => Msg::LastName,
        "job_title" => Msg::JobTitle,
        "company_id" => Msg::Company,
        "contact_id" => Msg::DealContact,
        "name" => Msg::CompanyName,
        "phones" => Msg::Phone,
        "emails" => Msg::Email,
        "whatsapp" => Msg::WhatsApp,
        "telegram" => Msg::Telegram,
        "website" => Msg::Website,
        "industry" => Msg::Industry,
        "tax_id" => Msg::TaxId,
        "stage" | "lifecycle_stage" => Msg::LifecycleStage,
        "stage_id" => Msg::DealStage,
        "status" => Msg::RecordStatus,
        "source" => Msg::LeadSource,
        "owner_id" => Msg::Owner,
        "assignee_id" => Msg::AssigneeLabel,
        "tags" => Msg::Tags,
        "address" => Msg::Address,
        "notes" => Msg::Notes,
        "title" => Msg::DealTitle,
        "value" => Msg::DealValue,
        "expected_close" => Msg::ExpectedClose,
        "lost_reason" => Msg::LostReason,
        "currency" => Msg::Currency,
        "subject" => Msg::SubjectLabel,
        "description" => Msg::DescriptionLabel,
        "channel" => Msg::ChannelLabel,
        "priority" => Msg::PriorityLabel,
        "due_at" | "due_date" => Msg::DueDate,
        "issue_date" => Msg::IssueDate,
        "lines" => Msg::LinesLabel,
        _ => return None,
    })
}

/// The definition of a custom value's field (`cf_<id>`), while it exists (tracked).
fn custom_definition(workspace: Workspace, field: &str) -> Option<FieldDefinition> {
    if !field.starts_with(CUSTOM_PREFIX) {
        return None;
    }
    workspace.field_definitions.with(|definitions| {
        definitions
            .iter()
            .find(|definition| definition.field_name() == field)
            .cloned()
    })
}

/// The name of the record an id field points at (a stage, a member, a customer), tracked, so
/// a history reads "Lead in → Qualified" rather than two ids; `None` for other fields.
fn named(
    workspace: Workspace,
    locale: Locale,
    field: &str,
    value: Option<&Value>,
) -> Option<String> {
    let value = value?;
    match field {
        // A pipeline's stages by name, in board order.
        "stages" => {
            let names: Vec<&str> = value
                .as_array()?
                .iter()
                .filter_map(|stage| stage.get("name")?.as_str())
                .collect();
            return Some(names.join(", "));
        }
        "calendar" => {
            let msg = match value.as_str() {
                Some("jalali") => Msg::CalendarJalali,
                Some("gregorian") => Msg::CalendarGregorian,
                _ => Msg::CalendarAuto,
            };
            return Some(locale.t(msg).to_owned());
        }
        _ => {}
    }
    let id = value.as_str()?;
    match field {
        "stage_id" => {
            let id = Id::find(id)?;
            workspace.pipelines.with(|pipelines| {
                pipelines
                    .iter()
                    .find_map(|pipeline| pipeline.stage(&id))
                    .map(|stage| locale.given_name(&stage.name))
            })
        }
        "owner_id" | "assignee_id" => workspace.members.with(|members| {
            members
                .find(id)
                .map(|member| member.display_name().to_owned())
        }),
        "contact_id" => customer_name(&RecordRef {
            kind: EntityKind::Contact,
            id: Id::find(id)?,
        }),
        "company_id" => customer_name(&RecordRef {
            kind: EntityKind::Company,
            id: Id::find(id)?,
        }),
        _ => None,
    }
}

/// A stored value as text: strings as they are, nothing as a dash, lists of texts (tags, lost
/// reasons) joined by commas, other lists and objects as JSON.
fn value_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(text)) if text.is_empty() => "—".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            texts.join(", ")
        }
        Some(other) => other.to_string(),
    }
}
