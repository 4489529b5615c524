//! The words for stored choices (interactions, tickets, invoices, deals, RFM classes and
//! segments) and the titles made of them.

use crate::i18n::phrase;
use crate::i18n::{use_locale, Locale, Msg};
use leptos::prelude::*;
use rabet_domain::{
    model::{
        ActivityKind, Channel, DealStatus, Direction, Invoice, InvoiceKind, InvoiceStatus,
        MessageChannel, Priority, RfmClass, TicketStatus,
    },
    report::customer::{TimelineGroup, TimelineKind},
    report::segment::RfmSegment,
};

pub fn activity_kind_msg(kind: ActivityKind) -> Msg {
    match kind {
        ActivityKind::Call => Msg::ActivityCall,
        ActivityKind::Meeting => Msg::ActivityMeeting,
        ActivityKind::Email => Msg::Email,
        ActivityKind::Message => Msg::ActivityMessage,
        ActivityKind::Note => Msg::ActivityNote,
    }
}

pub fn message_channel_msg(channel: MessageChannel) -> Msg {
    match channel {
        MessageChannel::Sms => Msg::ChannelSms,
        MessageChannel::Whatsapp => Msg::WhatsApp,
        MessageChannel::Telegram => Msg::Telegram,
        MessageChannel::Instagram => Msg::SourceInstagram,
        MessageChannel::Chat => Msg::ChannelChat,
    }
}

pub fn channel_msg(channel: Channel) -> Msg {
    match channel {
        Channel::Phone => Msg::Phone,
        Channel::Email => Msg::Email,
        Channel::Sms => Msg::ChannelSms,
        Channel::Whatsapp => Msg::WhatsApp,
        Channel::Telegram => Msg::Telegram,
        Channel::Instagram => Msg::SourceInstagram,
        Channel::Chat => Msg::ChannelChat,
        Channel::Website => Msg::Website,
        Channel::InPerson => Msg::ChannelInPerson,
        Channel::Exhibition => Msg::SourceExhibition,
        Channel::Other => Msg::SourceOther,
    }
}

pub fn direction_msg(direction: Direction) -> Msg {
    match direction {
        Direction::Inbound => Msg::Inbound,
        Direction::Outbound => Msg::Outbound,
    }
}

pub fn ticket_status_msg(status: TicketStatus) -> Msg {
    match status {
        TicketStatus::New => Msg::TicketNew,
        TicketStatus::Open => Msg::TicketOpen,
        TicketStatus::Pending => Msg::TicketPending,
        TicketStatus::Resolved => Msg::TicketResolved,
        TicketStatus::Closed => Msg::TicketClosed,
    }
}

pub fn priority_msg(priority: Priority) -> Msg {
    match priority {
        Priority::Low => Msg::PriorityLow,
        Priority::Normal => Msg::PriorityNormal,
        Priority::High => Msg::PriorityHigh,
        Priority::Urgent => Msg::PriorityUrgent,
    }
}

pub fn invoice_kind_msg(kind: InvoiceKind) -> Msg {
    match kind {
        InvoiceKind::Quote => Msg::QuoteLabel,
        InvoiceKind::Invoice => Msg::InvoiceLabel,
    }
}

pub fn invoice_status_msg(status: InvoiceStatus) -> Msg {
    match status {
        InvoiceStatus::Draft => Msg::InvoiceDraft,
        InvoiceStatus::Sent => Msg::InvoiceSent,
        InvoiceStatus::Accepted => Msg::InvoiceAccepted,
        InvoiceStatus::Paid => Msg::InvoicePaid,
        InvoiceStatus::Overdue => Msg::InvoiceOverdue,
        InvoiceStatus::Cancelled => Msg::InvoiceCancelled,
    }
}

pub fn rfm_class_msg(class: RfmClass) -> Msg {
    match class {
        RfmClass::Champions => Msg::RfmChampions,
        RfmClass::Loyal => Msg::RfmLoyal,
        RfmClass::PotentialLoyalist => Msg::RfmPotentialLoyalist,
        RfmClass::NewCustomer => Msg::RfmNewCustomer,
        RfmClass::Promising => Msg::RfmPromising,
        RfmClass::NeedsAttention => Msg::RfmNeedsAttention,
        RfmClass::AboutToSleep => Msg::RfmAboutToSleep,
        RfmClass::AtRisk => Msg::RfmAtRisk,
        RfmClass::CannotLose => Msg::RfmCannotLose,
        RfmClass::Hibernating => Msg::RfmHibernating,
        RfmClass::Lost => Msg::RfmLost,
    }
}

pub fn timeline_kind_msg(kind: TimelineKind) -> Msg {
    match kind {
        TimelineKind::Activity(kind) => activity_kind_msg(kind),
        TimelineKind::DealCreated => Msg::EventDealCreated,
        TimelineKind::DealStageChanged => Msg::EventDealMoved,
        TimelineKind::DealWon => Msg::EventDealWon,
        TimelineKind::DealLost => Msg::EventDealLost,
        TimelineKind::QuoteIssued => Msg::EventQuoteIssued,
        TimelineKind::InvoiceIssued => Msg::EventInvoiceIssued,
        TimelineKind::InvoicePaid => Msg::EventInvoicePaid,
        TimelineKind::TicketOpened => Msg::EventTicketOpened,
        TimelineKind::TicketResolved => Msg::EventTicketResolved,
        TimelineKind::TaskDue => Msg::EventFollowUpDue,
        TimelineKind::TaskDone => Msg::EventFollowUpDone,
        TimelineKind::AutomationRun => Msg::EventRuleRan,
    }
}

pub fn timeline_group_msg(group: TimelineGroup) -> Msg {
    match group {
        TimelineGroup::Interactions => Msg::TimelineInteractions,
        TimelineGroup::Deals => Msg::TimelineDeals,
        TimelineGroup::Invoices => Msg::NavInvoices,
        TimelineGroup::Tickets => Msg::NavTickets,
        TimelineGroup::Tasks => Msg::TimelineFollowUps,
        TimelineGroup::Automation => Msg::AutomationSection,
    }
}

/// The CSS class naming a timeline group, for its marker colour.
pub fn timeline_group_class(group: TimelineGroup) -> &'static str {
    match group {
        TimelineGroup::Interactions => "interactions",
        TimelineGroup::Deals => "deals",
        TimelineGroup::Invoices => "invoices",
        TimelineGroup::Tickets => "tickets",
        TimelineGroup::Tasks => "tasks",
        TimelineGroup::Automation => "automation",
    }
}

pub fn deal_status_msg(status: DealStatus) -> Msg {
    match status {
        DealStatus::Open => Msg::DealOpen,
        DealStatus::Won => Msg::DealWon,
        DealStatus::Lost => Msg::DealLost,
    }
}

pub fn rfm_segment_msg(segment: RfmSegment) -> Msg {
    match segment {
        RfmSegment::Champions => Msg::RfmChampions,
        RfmSegment::Loyal => Msg::RfmLoyal,
        RfmSegment::Promising => Msg::RfmPromising,
        RfmSegment::NewCustomers => Msg::SegmentNewCustomers,
        RfmSegment::NeedsAttention => Msg::RfmNeedsAttention,
        RfmSegment::AtRisk => Msg::RfmAtRisk,
        RfmSegment::Hibernating => Msg::RfmHibernating,
    }
}

/// "Invoice INV-0001", "Quote Q-0003": composed when shown, from the kind in the reader's
/// language and the number as it was given (isolated in right-to-left text).
pub fn document_title(locale: Locale, invoice: &Invoice) -> String {
    locale.fill(phrase::DocumentTitle {
        kind: locale.t(invoice_kind_msg(invoice.kind)),
        number: &invoice.number,
    })
}

/// A document's title in a view: the kind follows the language; the number, as the user gave
/// it, is isolated and marked as the user's (`data-user`).
#[component]
pub fn DocumentTitle(kind: InvoiceKind, number: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <span class="doc-title">
            {move || locale.t(invoice_kind_msg(kind))}
            " "
            <bdi class="doc-number" data-user="">{number}</bdi>
        </span>
    }
}
