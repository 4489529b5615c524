//! The customer 360 page: one contact (or a company with its people) with everything about
//! them: details and one-tap actions, the KPI strip, one timeline of all that happened, what
//! is still open, and quick actions to log a call or note, schedule a follow-up, and open a
//! deal, ticket or invoice.

mod deal;
mod kpis;
mod message;
mod profile;
mod timeline;

use super::form::{CompanyForm, ContactForm};
use crate::i18n::phrase;
use crate::ui::custom_fields::CustomFieldValues;
use crate::ui::history::FieldHistory;
use crate::ui::intent::{on_intent, Intent};
use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    download::{file_saver, vcards_text, VcardExport, VCARD_MIME},
    i18n::{source_msg, stage_msg, use_locale, Msg},
    local_time::use_calendar,
    records::{
        activity::{new_activity, ActivityForm},
        invoice::{new_invoice, InvoiceForm},
        task::{new_task, TaskForm, TaskRow},
        ticket::{new_ticket, TicketForm},
    },
    ui::browser_title,
    ui::{
        editing::delete_with_undo,
        format::PhoneLink,
        labels::{invoice_status_msg, ticket_status_msg, DocumentTitle},
        parties::parties_of,
        PageHeader,
    },
    workspace::{use_workspace, Listed, LoadState},
};
use deal::QuickDealForm;
use kpis::KpiStrip;
use leptos::{either::EitherOf4, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use message::MessageDialog;
use profile::{use_profile, Profile};
use rabet_domain::{
    calendar::format_day,
    custom_field::FieldOwner,
    id::Id,
    kind::EntityKind,
    locale::format_money,
    model::{Activity, ActivityKind, Company, Contact, Invoice, InvoiceKind, RecordRef, Task},
    purchases::Customer as Whose,
};
use timeline::Timeline;

/// Whose page this is.
#[derive(Clone, Debug, PartialEq)]
enum Subject {
    Contact(Contact),
    Company(Company),
}

#[component]
pub fn Customer() -> impl IntoView {
    let workspace = use_workspace();
    let params = use_params_map();
    // Only a change to this customer redraws the page (and closes an open dialog).
    let subject = Memo::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        workspace
            .contacts
            .with(|c| c.find(&id).cloned().map(Subject::Contact))
            .or_else(|| {
                workspace
                    .companies
                    .with(|c| c.find(&id).cloned().map(Subject::Company))
            })
    });
    move || match subject.get() {
        Some(Subject::Contact(contact)) => EitherOf4::A(view! { <ContactPage contact=contact /> }),
        Some(Subject::Company(company)) => EitherOf4::B(view! { <CompanyPage company=company /> }),
        None if workspace.state.get() == LoadState::Loading => EitherOf4::C(view! {
            <PageHeader title=Msg::CustomerTitle intro=Msg::Loading />
        }),
        None => EitherOf4::D(view! { <Missing /> }),
    }
}

#[component]
fn Missing() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageHeader title=Msg::CustomerTitle intro=Msg::NotFoundRecord />
        <A href="/customers">{move || locale.t(Msg::BackToCustomers)}</A>
    }
}

/// A record's title, subtitle and actions (call, write, edit, delete).
#[component]
fn RecordHeader<E: Listed + Clone>(
    record: E,
    name: String,
    set_editing: WriteSignal<bool>,
    /// The lines under the title.
    children: Children,
    #[prop(optional)] actions: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    let navigate = use_navigate();
    let title = name.clone();
    let refused = refused(Some(E::KIND));
    let delete = move |_| {
        let navigate = navigate.clone();
        delete_with_undo(record.clone(), name.clone(), move || {
            navigate("/customers", Default::default())
        });
    };
    view! {
        <Title text={
            let title = title.clone();
            move || browser_title(locale, &title)
        } />
        <header class="page-header record-header">
            <div>
                <h1><bdi>{title}</bdi></h1>
                {children()}
            </div>
            <div class="record-actions">
                {actions.map(|actions| actions())}
                <button type="button" class="button" disabled=move || refused.get().is_some() on:click=move |_| set_editing.set(true)>{move || locale.t(Msg::Edit)}</button>
                <button type="button" class="button danger" disabled=move || refused.get().is_some() on:click=delete>{move || locale.t(Msg::Delete)}</button>
            </div>
        </header>
        <RefusedNote kind=E::KIND />
    }
}

/// Owner and tags, under the title.
fn owner_and_tags(owner_id: Option<&Id>, tags: &[String]) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let owner = owner_id.and_then(|id| {
        workspace
            .members
            .with_untracked(|m| m.get(id).map(|m| m.display_name().to_owned()))
    });
    let tags = tags
        .iter()
        .map(|tag| view! { <li class="tag"><bdi>{tag.clone()}</bdi></li> })
        .collect_view();
    view! {
        <div class="header-meta">
            {owner.map(|name| view! { <span>{move || locale.t(Msg::Owner)}": "<bdi>{name}</bdi></span> })}
            <ul class="plain tags" aria-label=move || locale.t(Msg::Tags)>{tags}</ul>
        </div>
    }
}

/// A row of the details list; hidden when the value is empty.
fn detail(label: Msg, value: impl IntoView + 'static, present: bool) -> impl IntoView {
    let locale = use_locale();
    present.then(|| {
        view! {
            <div class="detail">
                <dt>{move || locale.t(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    })
}

/// The dialog the page has open.
#[derive(Clone)]
enum Dialog {
    Activity { activity: Activity, existing: bool },
    Task { task: Task, existing: bool },
    Deal,
    Ticket,
    Invoice,
    Message,
}

#[component]
fn ContactPage(contact: Contact) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let (editing, set_editing) = signal(false);
    let dialog = RwSignal::new(None::<Dialog>);
    let whose = Whose::contact(&contact);
    let profile = use_profile(Signal::stored(whose));
    let customer = RecordRef {
        kind: EntityKind::Contact,
        id: contact.id.clone(),
    };
    let name = contact.display_name();
    let company = contact.company_id.as_ref().and_then(|id| {
        workspace
            .companies
            .with_untracked(|c| c.get(id).map(|c| (id.clone(), c.name.clone())))
    });
    let stage = contact.lifecycle_stage;
    let phones = contact
        .phones
        .iter()
        .map(|p| view! { <li><PhoneLink number=p.number.clone() /></li> })
        .collect_view();
    let emails = contact
        .emails
        .iter()
        .map(|e| {
            let href = format!("mailto:{}", e.address);
            view! { <li><a href=href dir="ltr"><bdi dir="ltr" data-user="">{e.address.clone()}</bdi></a></li> }
        })
        .collect_view();
    let whatsapp = (!contact.whatsapp.is_empty()).then(|| {
        let href = format!("https://wa.me/{}", contact.whatsapp.trim_start_matches('+'));
        view! { <a class="button" href=href target="_blank" rel="noopener">{move || locale.t(Msg::WhatsApp)}</a> }
    });
    let telegram = (!contact.telegram.is_empty()).then(|| {
        let handle = contact.telegram.trim_start_matches('@');
        let href = format!("https://t.me/{handle}");
        view! { <a class="button" href=href target="_blank" rel="noopener">{move || locale.t(Msg::Telegram)}</a> }
    });
    let call = contact.primary_phone().map(|phone| {
        let href = format!("tel:{phone}");
        view! { <a class="button" href=href>{move || locale.t(Msg::Phone)}</a> }
    });
    let mail = contact.primary_email().map(|email| {
        let href = format!("mailto:{email}");
        view! { <a class="button" href=href>{move || locale.t(Msg::Email)}</a> }
    });
    let message = move || {
        view! {
            <button type="button" class="button" on:click=move |_| dialog.set(Some(Dialog::Message))>
                {move || locale.t(Msg::SendMessage)}
            </button>
        }
    };
    let card = StoredValue::new(contact.clone());
    let save_file = file_saver();
    let save_card = move || {
        let save = move |version| {
            card.with_value(|contact| {
                let name = contact.display_name();
                let file_name = format!("{}.vcf", if name.is_empty() { "contact" } else { &name });
                save_file(
                    &file_name,
                    VCARD_MIME,
                    &vcards_text(workspace, [contact], version),
                );
            })
        };
        view! { <VcardExport save /> }
    };
    let (line, city) = (contact.address.line.clone(), contact.address.city.clone());
    let address = move || match (line.is_empty(), city.is_empty()) {
        (false, false) => locale.fill(phrase::AddressLineCity {
            line: &line,
            city: &city,
        }),
        (false, true) => line.clone(),
        _ => city.clone(),
    };
    let source = contact.source;
    let has = (
        !contact.phones.is_empty(),
        !contact.emails.is_empty(),
        !(contact.address.line.is_empty() && contact.address.city.is_empty()),
        !contact.notes.is_empty(),
    );
    let job_title = contact.job_title.clone();
    let header_meta = owner_and_tags(contact.owner_id.as_ref(), &contact.tags);
    let notes = contact.notes.clone();
    let custom = contact.custom.clone();

    view! {
        <RecordHeader record=contact.clone() name=name set_editing=set_editing
            actions=Box::new(move || view! { {call}{mail}{whatsapp}{telegram}{message()}{save_card()} }.into_any())
        >
            <p class="page-intro">
                <span class=format!("badge stage-{}", stage.as_str())>{move || locale.t(stage_msg(stage))}</span>
                <bdi data-user="">{job_title}</bdi>
                {company.map(|(id, company)| view! { " · " <A href=format!("/customers/{id}")>{company}</A> })}
            </p>
            {header_meta}
        </RecordHeader>
        <ProfileBody profile=profile customer=customer.clone() dialog=dialog>
            <section class="card" aria-labelledby="details-title">
                <h2 id="details-title">{move || locale.t(Msg::DetailsSection)}</h2>
                <dl class="details">
                    {detail(Msg::Phones, view! { <ul class="plain">{phones}</ul> }, has.0)}
                    {detail(Msg::Emails, view! { <ul class="plain">{emails}</ul> }, has.1)}
                    {detail(Msg::LeadSource, move || source.map(|s| locale.t(source_msg(s))), source.is_some())}
                    {detail(Msg::Address, view! { <bdi data-user="">{address}</bdi> }, has.2)}
                    {detail(Msg::Notes, view! { <p class="notes" data-user="">{notes}</p> }, has.3)}
                    <CustomFieldValues owner=FieldOwner::Contact values=custom />
                </dl>
            </section>
        </ProfileBody>
        <FieldHistory kind=EntityKind::Contact id=contact.id.clone() />
        <Dialogs dialog=dialog profile=profile customer=customer people=Signal::stored(Vec::new()) contact=Some(contact.clone()) />
        <Show when=move || editing.get()>
            <ContactForm initial=Some(contact.clone()) on_done=Callback::new(move |_| set_editing.set(false)) />
        </Show>
    }
}

#[component]
fn CompanyPage(company: Company) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let (editing, set_editing) = signal(false);
    let dialog = RwSignal::new(None::<Dialog>);
    let customer = RecordRef {
        kind: EntityKind::Company,
        id: company.id.clone(),
    };
    let people = Memo::new({
        let company_id = company.id.clone();
        move |_| {
            workspace.contacts.with(|contacts| {
                contacts
                    .naming(&company_id)
                    .filter(|c| c.company_id.as_ref() == Some(&company_id))
                    .map(|c| (c.id.clone(), c.display_name()))
                    .collect::<Vec<_>>()
            })
        }
    });
    let whose = Signal::derive({
        let company = company.clone();
        move || Whose::Company {
            id: company.id.clone(),
            contact_ids: people.with(|p| p.iter().map(|(id, _)| id.clone()).collect()),
        }
    });
    let profile = use_profile(whose);
    let call = company.phones.first().map(|p| {
        let href = format!("tel:{}", p.number);
        view! { <a class="button" href=href>{move || locale.t(Msg::Phone)}</a> }
    });
    let mail = company.emails.first().map(|e| {
        let href = format!("mailto:{}", e.address);
        view! { <a class="button" href=href>{move || locale.t(Msg::Email)}</a> }
    });
    let industry = company.industry.clone();
    let custom = company.custom.clone();
    let header_meta = owner_and_tags(company.owner_id.as_ref(), &company.tags);
    view! {
        <RecordHeader record=company.clone() name=company.name.clone() set_editing=set_editing
            actions=Box::new(move || view! { {call}{mail} }.into_any())
        >
            <p class="page-intro">{industry}</p>
            {header_meta}
        </RecordHeader>
        <ProfileBody profile=profile customer=customer.clone() dialog=dialog>
            <section class="card" aria-labelledby="people-title">
                <h2 id="people-title">{move || locale.t(Msg::People)}</h2>
                <ul class="plain">
                    {move || people.get().into_iter().map(|(id, name)| view! {
                        <li><A href=format!("/customers/{id}")><bdi>{name}</bdi></A></li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" aria-labelledby="details-title">
                <h2 id="details-title">{move || locale.t(Msg::DetailsSection)}</h2>
                <dl class="details">
                    <CustomFieldValues owner=FieldOwner::Company values=custom />
                </dl>
            </section>
        </ProfileBody>
        <FieldHistory kind=EntityKind::Company id=company.id.clone() />
        <Dialogs dialog=dialog profile=profile customer=customer people=people.into() contact=None />
        <Show when=move || editing.get()>
            <CompanyForm initial=Some(company.clone()) on_done=Callback::new(move |_| set_editing.set(false)) />
        </Show>
    }
}

/// What a contact's and a company's page share under their header: KPIs, quick actions, the
/// timeline, and beside it what is still open, then `children`.
#[component]
fn ProfileBody(
    profile: Memo<Profile>,
    customer: RecordRef,
    dialog: RwSignal<Option<Dialog>>,
    children: Children,
) -> impl IntoView {
    let edit_activity = Callback::new(move |activity| {
        dialog.set(Some(Dialog::Activity {
            activity,
            existing: true,
        }))
    });
    view! {
        <KpiStrip profile=profile />
        <QuickActions customer=customer dialog=dialog />
        <div class="profile-layout">
            <Timeline profile=profile on_edit_activity=edit_activity />
            <aside class="profile-side">
                <StillOpen profile=profile dialog=dialog />
                {children()}
            </aside>
        </div>
    }
}

/// A new interaction of `kind` with the customer.
fn activity_with(customer: &RecordRef, kind: ActivityKind) -> Activity {
    let (contact_id, company_id) = parties_of(customer);
    Activity {
        contact_id,
        company_id,
        ..new_activity(kind)
    }
}

/// The buttons for the day's work with this customer; "Log call" comes first, so logging a
/// call just made is two taps.
#[component]
fn QuickActions(customer: RecordRef, dialog: RwSignal<Option<Dialog>>) -> impl IntoView {
    let locale = use_locale();
    let customer = StoredValue::new(customer);
    on_intent(Intent::LogCall, move || {
        let call = customer.with_value(|c| activity_with(c, ActivityKind::Call));
        dialog.set(Some(Dialog::Activity {
            activity: call,
            existing: false,
        }));
    });
    let button = move |label: Msg, open: fn(&RecordRef) -> Dialog, primary: bool| {
        view! {
            <button type="button" class="button" class:primary=primary
                on:click=move |_| dialog.set(Some(customer.with_value(open)))>
                {move || locale.t(label)}
            </button>
        }
    };
    view! {
        <nav class="quick-actions" aria-label=move || locale.t(Msg::QuickActions)>
            {button(Msg::LogCall, |c| Dialog::Activity { activity: activity_with(c, ActivityKind::Call), existing: false }, true)}
            {button(Msg::AddNote, |c| Dialog::Activity { activity: activity_with(c, ActivityKind::Note), existing: false }, false)}
            {button(Msg::ScheduleFollowUp, |c| Dialog::Task { task: new_task(Some(c.clone())), existing: false }, false)}
            {button(Msg::NewDeal, |_| Dialog::Deal, false)}
            {button(Msg::NewTicket, |_| Dialog::Ticket, false)}
            {button(Msg::NewInvoice, |_| Dialog::Invoice, false)}
        </nav>
    }
}

/// The open dialog, if any.
#[component]
fn Dialogs(
    dialog: RwSignal<Option<Dialog>>,
    profile: Memo<Profile>,
    customer: RecordRef,
    /// A company's people, whom an interaction may name.
    people: Signal<Vec<(Id, String)>>,
    contact: Option<Contact>,
) -> impl IntoView {
    let navigate = use_navigate();
    let close = Callback::new(move |_| dialog.set(None));
    let customer = StoredValue::new(customer);
    let contact = StoredValue::new(contact);
    let open_invoice = Callback::new(move |invoice: Invoice| {
        dialog.set(None);
        navigate(&format!("/invoices/{}", invoice.id), Default::default());
    });
    move || {
        dialog.get().map(|open| match open {
            Dialog::Activity { activity, existing } => view! {
                <ActivityForm initial=activity existing=existing on_done=close
                    about=profile.with_untracked(|p| p.linkable.clone()) people=people.get_untracked() />
            }
            .into_any(),
            Dialog::Task { task, existing } => view! { <TaskForm initial=task existing=existing on_done=close /> }.into_any(),
            Dialog::Deal => view! { <QuickDealForm customer=customer.get_value() on_done=close /> }.into_any(),
            Dialog::Ticket => view! {
                <TicketForm initial=new_ticket(Some(&customer.get_value())) on_saved=Callback::new(move |_| dialog.set(None)) on_cancel=close />
            }
            .into_any(),
            Dialog::Invoice => view! {
                <InvoiceForm initial=new_invoice(InvoiceKind::Invoice, Some(&customer.get_value())) on_saved=open_invoice on_cancel=close />
            }
            .into_any(),
            Dialog::Message => contact
                .get_value()
                .map(|contact| view! { <MessageDialog contact=contact on_done=close /> })
                .into_any(),
        })
    }
}

/// What is still open with the customer: follow-ups, tickets, and quotes or invoices waiting.
#[component]
fn StillOpen(profile: Memo<Profile>, dialog: RwSignal<Option<Dialog>>) -> impl IntoView {
    let locale = use_locale();
    let nothing = move || {
        profile.with(|p| {
            p.open_tasks.is_empty() && p.open_tickets.is_empty() && p.open_documents.is_empty()
        })
    };
    let edit_task = Callback::new(move |task| {
        dialog.set(Some(Dialog::Task {
            task,
            existing: true,
        }))
    });
    view! {
        <section class="card still-open" aria-labelledby="open-title">
            <h2 id="open-title">{move || locale.t(Msg::StillOpen)}</h2>
            <Show when=nothing>
                <p class="empty-line">{move || locale.t(Msg::NothingOpen)}</p>
            </Show>
            <ul class="plain">
                <For each=move || profile.with(|p| p.open_tasks.clone())
                    key=|t| (t.id.clone(), t.title.clone(), t.due_at, t.done_at, t.assignee_id.clone()) let:task>
                    <TaskRow task=task on_edit=edit_task />
                </For>
            </ul>
            <ul class="plain open-links">
                <For each=move || profile.with(|p| p.open_tickets.clone())
                    key=|t| (t.id.clone(), t.subject.clone(), t.status) let:ticket>
                    <li>
                        <A href=format!("/tickets/{}", ticket.id)><bdi>{ticket.subject.clone()}</bdi></A>
                        " "
                        <span class=format!("badge status-{}", ticket.status.as_str())>{move || locale.t(ticket_status_msg(ticket.status))}</span>
                    </li>
                </For>
                <For each=move || profile.with(|p| p.open_documents.clone())
                    key=|i| (i.id.clone(), i.status, i.number.clone(), i.total().minor) let:invoice>
                    <OpenDocument invoice=invoice />
                </For>
            </ul>
        </section>
    }
}

/// A quote or invoice still waiting for something: its title, total, status and due date.
#[component]
fn OpenDocument(invoice: Invoice) -> impl IntoView {
    let locale = use_locale();
    let calendar = use_calendar();
    let (kind, number) = (invoice.kind, invoice.number.clone());
    let (total, status, due) = (invoice.total(), invoice.status, invoice.due_date);
    view! {
        <li>
            <A href=format!("/invoices/{}", invoice.id)><DocumentTitle kind=kind number=number /></A>
            " "
            <span class="amount">{move || format_money(total, locale.lang())}</span>
            " "
            <span class=format!("badge invoice-{}", status.as_str())>{move || locale.t(invoice_status_msg(status))}</span>
            {due.map(|due| view! {
                <span class="row-sub">" · "{move || locale.t(Msg::DueDate)}": "
                    {move || format_day(due, calendar.get(), locale.lang())}</span>
            })}
        </li>
    }
}
