//! Opening and editing a support ticket.

use crate::{
    i18n::{use_locale, Msg},
    local_time::{now_ms, use_calendar, WhenFields, WhenText, HOUR_MS},
    ui::{
        custom_fields::{CustomEdits, CustomFieldInputs},
        draft::Draft,
        editing::{remember_member, remembered_member},
        inputs::MemberSelect,
        labels::{channel_msg, priority_msg},
        parties::{parties_of, CustomerPicker},
        widgets::{enum_select, FormDialog, TextField},
    },
    workspace::Workspace,
};
use leptos::prelude::*;
use rabet_domain::custom_field::FieldOwner;
use rabet_domain::model::{Channel, Priority, RecordRef, Ticket};

/// How long a ticket of each priority may take to resolve, by default: the SLA due time a new
/// ticket gets, which the form lets the user change.
pub fn default_sla_ms(priority: Priority) -> i64 {
    match priority {
        Priority::Urgent => 4 * HOUR_MS,
        Priority::High => 24 * HOUR_MS,
        Priority::Normal => 48 * HOUR_MS,
        Priority::Low => 5 * 24 * HOUR_MS,
    }
}

/// A new ticket for `customer`, opened now.
pub fn new_ticket(customer: Option<&RecordRef>) -> Ticket {
    let (contact_id, company_id) = customer.map(parties_of).unwrap_or_default();
    let now = now_ms();
    Ticket {
        id: Workspace::new_id(),
        contact_id,
        company_id,
        channel: Channel::Phone,
        assignee_id: remembered_member(),
        sla_due_at: Some(now + default_sla_ms(Priority::Normal)),
        created_at: now,
        ..Ticket::default()
    }
}

#[component]
pub fn TicketForm(
    initial: Ticket,
    #[prop(optional)] existing: bool,
    /// Called with the saved ticket.
    on_saved: Callback<Ticket>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let customer = RwSignal::new(crate::ui::parties::customer_of(
        initial.contact_id.as_ref(),
        initial.company_id.as_ref(),
    ));
    let sla = WhenText::new(initial.sla_due_at, calendar.get_untracked(), locale.lang());
    let custom = CustomEdits::new(&initial);
    let draft = Draft::new(existing.then(|| initial.clone()), || initial);
    let record = draft.record;
    let title = draft.title(Msg::NewTicket, Msg::EditTicket);
    let (subject_get, subject_set) = (
        move || record.with(|t| t.subject.clone()),
        move |value: String| record.update(|t| t.subject = value),
    );
    let set_priority = move |priority: Option<Priority>| {
        let Some(priority) = priority else { return };
        record.update(|t| t.priority = priority);
        // A new ticket's SLA follows its priority until the user sets one.
        if draft.is_new() {
            let created = record.with_untracked(|t| t.created_at);
            let due = WhenText::new(
                Some(created + default_sla_ms(priority)),
                calendar.get_untracked(),
                locale.lang(),
            );
            sla.day.0.set(due.day.0.get_untracked());
            sla.time.set(due.time.get_untracked());
        }
    };
    let submit = move |_| {
        let mut ticket = record.get_untracked();
        let Ok(sla_due) = sla.instant(calendar.get_untracked(), 0) else {
            draft.failure.set(Some(Msg::FixHighlighted));
            return;
        };
        ticket.sla_due_at = sla_due;
        ticket.subject = ticket.subject.trim().to_owned();
        (ticket.contact_id, ticket.company_id) = customer
            .get_untracked()
            .as_ref()
            .map(parties_of)
            .unwrap_or_default();
        if !custom.apply(&mut ticket) {
            draft.refuse(Vec::new());
            return;
        }
        remember_member(ticket.assignee_id.as_ref());
        draft.submit(ticket, move |saved| on_saved.run(saved));
    };

    view! {
        <FormDialog title=title on_submit=Callback::new(submit) on_cancel=on_cancel saving=draft.saving() failure=draft.failure kind=draft.kind()>
            <TextField label=Msg::SubjectLabel id="ticket-subject" get=subject_get set=subject_set autofocus=true error=draft.error("subject") />
            <CustomerPicker label=Msg::ForCustomer id="ticket-customer" chosen=customer />
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="ticket-channel">{move || locale.t(Msg::ChannelLabel)}</label>
                    {enum_select("ticket-channel", Channel::ALL, Channel::as_str, channel_msg,
                        move || Some(record.with(|t| t.channel)),
                        move |channel| if let Some(channel) = channel { record.update(|t| t.channel = channel) },
                        None)}
                </div>
                <div class="field">
                    <label class="field-label" for="ticket-priority">{move || locale.t(Msg::PriorityLabel)}</label>
                    {enum_select("ticket-priority", Priority::ALL, Priority::as_str, priority_msg,
                        move || Some(record.with(|t| t.priority)), set_priority, None)}
                </div>
                <MemberSelect label=Msg::AssigneeLabel id="ticket-assignee" none=Msg::Unassigned
                    current=Signal::derive(move || record.with(|t| t.assignee_id.clone()))
                    set=move |id| record.update(|t| t.assignee_id = id) />
            </div>
            <WhenFields day_label=Msg::SlaDue id="ticket-sla" when=sla />
            <CustomFieldInputs owner=FieldOwner::Ticket edits=custom />
            <div class="field">
                <label class="field-label" for="ticket-description">{move || locale.t(Msg::DescriptionLabel)}</label>
                <textarea id="ticket-description" rows="4"
                    prop:value=move || record.with(|t| t.description.clone())
                    on:input=move |ev| record.update(|t| t.description = event_target_value(&ev))></textarea>
            </div>
        </FormDialog>
    }
}
