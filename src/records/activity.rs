//! Logging an interaction: a call, meeting, e-mail, message or note, against a customer and
//! optionally one of their deals or tickets.
//!
//! Built for a phone call just made: "Log call" opens this with the kind, direction and time
//! already right, so saving is the second tap; the outcome chips spare typing.

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    local_time::{now_ms, use_calendar, WhenFields, WhenText},
    ui::{
        draft::Draft,
        editing::{remember_member, remembered_member},
        inputs::MemberSelect,
        labels::{activity_kind_msg, direction_msg, message_channel_msg},
        widgets::{enum_select, FormDialog, IdSelect, TextField},
    },
    workspace::Workspace,
};
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    model::{Activity, ActivityKind, Direction, MessageChannel, RecordRef},
};

/// Outcomes a call usually has, one tap each.
const CALL_OUTCOMES: [Msg; 4] = [
    Msg::OutcomeTalked,
    Msg::OutcomeNoAnswer,
    Msg::OutcomeVoicemail,
    Msg::OutcomeCallBack,
];

/// A new interaction of `kind` happening now, by the member this device last chose.
pub fn new_activity(kind: ActivityKind) -> Activity {
    Activity {
        id: Workspace::new_id(),
        kind,
        direction: (kind != ActivityKind::Note).then_some(Direction::Outbound),
        channel: (kind == ActivityKind::Message).then_some(MessageChannel::Whatsapp),
        at: now_ms(),
        author_id: remembered_member(),
        ..Activity::default()
    }
}

fn dialog_title(kind: ActivityKind, is_new: bool) -> Msg {
    match (kind, is_new) {
        (_, false) => Msg::EditInteraction,
        (ActivityKind::Call, true) => Msg::LogCall,
        (ActivityKind::Meeting, true) => Msg::LogMeeting,
        (ActivityKind::Email, true) => Msg::LogEmail,
        (ActivityKind::Message, true) => Msg::LogMessage,
        (ActivityKind::Note, true) => Msg::AddNote,
    }
}

/// The form. `about` offers the customer's deals and tickets to link the interaction to;
/// `people` offers a company's contacts.
#[component]
pub fn ActivityForm(
    initial: Activity,
    #[prop(optional)] existing: bool,
    #[prop(optional)] about: Vec<(RecordRef, String)>,
    #[prop(optional)] people: Vec<(Id, String)>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let when = WhenText::new(Some(initial.at), calendar.get_untracked(), locale.lang());
    let draft = Draft::new(existing.then(|| initial.clone()), || initial);
    let record = draft.record;
    let kind = Memo::new(move |_| record.with(|a| a.kind));
    let title = Signal::derive(move || locale.t(dialog_title(kind.get(), draft.is_new())));
    let set_kind = move |new_kind: ActivityKind| {
        record.update(|a| {
            a.kind = new_kind;
            a.channel = (new_kind == ActivityKind::Message)
                .then(|| a.channel.unwrap_or(MessageChannel::Whatsapp));
            a.direction = (new_kind != ActivityKind::Note)
                .then(|| a.direction.unwrap_or(Direction::Outbound));
        })
    };
    let text = |get: fn(&Activity) -> &String, set: fn(&mut Activity, String)| {
        (
            move || record.with(|a| get(a).clone()),
            move |value: String| record.update(|a| set(a, value)),
        )
    };
    let (outcome_get, outcome_set) = text(|a| &a.outcome, |a, v| a.outcome = v);
    let (subject_get, subject_set) = text(|a| &a.subject, |a, v| a.subject = v);
    let about_options = StoredValue::new(about);
    let has_about = about_options.with_value(|a| !a.is_empty());
    let has_people = !people.is_empty();
    let people = Signal::stored(people);
    let submit = move |_| {
        let mut activity = record.get_untracked();
        match when.instant(calendar.get_untracked(), 0) {
            Ok(Some(at)) => activity.at = at,
            Ok(None) => activity.at = now_ms(),
            Err(_) => {
                draft.failure.set(Some(Msg::FixHighlighted));
                return;
            }
        }
        activity.outcome = activity.outcome.trim().to_owned();
        activity.subject = activity.subject.trim().to_owned();
        remember_member(activity.author_id.as_ref());
        draft.submit(activity, move |_| on_done.run(()));
    };

    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=on_done saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <fieldset class="choice-row">
                <legend class="field-label">{move || locale.t(Msg::Kind)}</legend>
                {ActivityKind::ALL.iter().copied().map(|option| view! {
                    <label class="choice">
                        <input type="radio" name="activity-kind"
                            prop:checked=move || kind.get() == option
                            on:change=move |_| set_kind(option) />
                        {move || locale.t(activity_kind_msg(option))}
                    </label>
                }).collect_view()}
            </fieldset>
            <Show when=move || kind.get() != ActivityKind::Note>
                <fieldset class="choice-row">
                    <legend class="field-label">{move || locale.t(Msg::DirectionLabel)}</legend>
                    {[Direction::Outbound, Direction::Inbound].into_iter().map(|option| view! {
                        <label class="choice">
                            <input type="radio" name="activity-direction"
                                prop:checked=move || record.with(|a| a.direction == Some(option))
                                on:change=move |_| record.update(|a| a.direction = Some(option)) />
                            {move || locale.t(direction_msg(option))}
                        </label>
                    }).collect_view()}
                </fieldset>
            </Show>
            <div class="form-grid">
                <Show when=move || kind.get() == ActivityKind::Message>
                    <div class="field">
                        <label class="field-label" for="activity-channel">{move || locale.t(Msg::ChannelLabel)}</label>
                        {enum_select(
                            "activity-channel",
                            MessageChannel::ALL,
                            MessageChannel::as_str,
                            message_channel_msg,
                            move || record.with(|a| a.channel),
                            move |channel| record.update(|a| a.channel = channel),
                            None,
                        )}
                    </div>
                </Show>
                <Show when=move || matches!(kind.get(), ActivityKind::Call | ActivityKind::Meeting)>
                    <div class="field">
                        <label class="field-label" for="activity-duration">{move || locale.t(Msg::DurationMinutesLabel)}</label>
                        <input id="activity-duration" type="number" min="0" inputmode="numeric"
                            prop:value=move || record.with(|a| a.duration_min.map(|m| m.to_string()).unwrap_or_default())
                            on:input=move |ev| {
                                let minutes = rabet_domain::locale::to_ascii_digits(&event_target_value(&ev)).trim().parse().ok();
                                record.update(|a| a.duration_min = minutes);
                            } />
                    </div>
                </Show>
            </div>
            <WhenFields day_label=Msg::WhenDate id="activity-at" when=when />
            <Show when=move || kind.get() != ActivityKind::Note>
                <TextField label=Msg::OutcomeLabel id="activity-outcome" get=outcome_get set=outcome_set />
                <Show when=move || kind.get() == ActivityKind::Call>
                    <div class="chips">
                        {CALL_OUTCOMES.into_iter().map(|msg| view! {
                            <button type="button" class="chip" on:click=move |_| outcome_set(locale.t(msg).to_owned())>
                                {move || locale.t(msg)}
                            </button>
                        }).collect_view()}
                    </div>
                </Show>
            </Show>
            <TextField label=Msg::SubjectLabel id="activity-subject" get=subject_get set=subject_set error=draft.error("subject") />
            <div class="field">
                <label class="field-label" for="activity-body">{move || locale.t(Msg::Notes)}</label>
                <textarea id="activity-body" rows="3"
                    prop:value=move || record.with(|a| a.body.clone())
                    on:input=move |ev| record.update(|a| a.body = event_target_value(&ev))></textarea>
            </div>
            <div class="form-grid">
                <MemberSelect label=Msg::AuthorLabel id="activity-author" none=Msg::Unknown
                    current=Signal::derive(move || record.with(|a| a.author_id.clone()))
                    set=move |id| record.update(|a| a.author_id = id) />
                {has_people.then(|| view! {
                    <IdSelect label=Msg::PersonLabel id="activity-person" none=Msg::NoPerson options=people
                        current=Signal::derive(move || record.with(|a| a.contact_id.clone()))
                        set=move |id| record.update(|a| a.contact_id = id) />
                })}
                {has_about.then(|| view! { <AboutSelect record=record options=about_options /> })}
            </div>
        </FormDialog>
    }
}

/// Links the interaction to one of the customer's deals or tickets.
#[component]
fn AboutSelect(
    record: RwSignal<Activity>,
    options: StoredValue<Vec<(RecordRef, String)>>,
) -> impl IntoView {
    let locale = use_locale();
    let current = move || record.with(|a| a.deal_id.clone().or_else(|| a.ticket_id.clone()));
    let choose = move |ev| {
        let chosen = event_target_value(&ev);
        let target = options.with_value(|options| {
            options
                .iter()
                .find(|(r, _)| r.id.as_str() == chosen)
                .map(|(r, _)| r.clone())
        });
        record.update(|a| {
            a.deal_id = None;
            a.ticket_id = None;
            match target {
                Some(RecordRef {
                    kind: EntityKind::Deal,
                    id,
                }) => a.deal_id = Some(id),
                Some(RecordRef {
                    kind: EntityKind::Ticket,
                    id,
                }) => a.ticket_id = Some(id),
                _ => {}
            }
        });
    };
    view! {
        <div class="field">
            <label class="field-label" for="activity-about">{move || locale.t(Msg::AboutLabel)}</label>
            <select id="activity-about" on:change=choose>
                <option value="">{move || locale.t(Msg::JustTheCustomer)}</option>
                {options.with_value(|options| options.iter().map(|(r, name)| {
                    let prefix = if r.kind == EntityKind::Deal { Msg::AboutDeal } else { Msg::TicketLabel };
                    let (id, name) = (r.id.clone(), name.clone());
                    view! {
                        <option value=id.to_string() selected=move || current().as_ref() == Some(&id)>
                            {move || locale.fill(phrase::LabelledValue { label: locale.t(prefix), value: &name })}
                        </option>
                    }
                }).collect_view())}
            </select>
        </div>
    }
}
