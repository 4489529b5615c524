//! A customer's page: a contact (or a company with its people), its details and one-tap
//! actions. The full 360° timeline builds on this page.

use super::form::{CompanyForm, ContactForm};
use crate::{
    i18n::{source_msg, stage_msg, store_error_msg, use_locale, Msg},
    notice::{use_notices, Notice},
    pages::PageHeader,
    workspace::{use_workspace, Listed},
};
use leptos::{either::EitherOf3, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use rabet_domain::{
    id::Id,
    model::{Company, Contact},
};

#[component]
pub fn Customer() -> impl IntoView {
    let workspace = use_workspace();
    let params = use_params_map();
    let id = move || Id::from_string(params.with(|p| p.get("id").unwrap_or_default()));
    move || {
        let id = id();
        if let Some(contact) = workspace.contacts.with(|c| c.get(&id).cloned()) {
            EitherOf3::A(view! { <ContactPage contact=contact /> })
        } else if let Some(company) = workspace.companies.with(|c| c.get(&id).cloned()) {
            EitherOf3::B(view! { <CompanyPage company=company /> })
        } else {
            EitherOf3::C(view! { <Missing /> })
        }
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

/// Deletes `record`, returns to the list and offers to undo.
fn delete_with_undo<E: Listed>(record: E, name: String) {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    let navigate = use_navigate();
    leptos::task::spawn_local(async move {
        match workspace.delete::<E>(record.id()).await {
            Ok(_) => {
                navigate("/customers", Default::default());
                let undo = Callback::new(move |_| {
                    let record = record.clone();
                    leptos::task::spawn_local(async move {
                        if let Err(error) = workspace.restore(record).await {
                            notices.show(Notice {
                                text: locale.t(store_error_msg(&error)).into(),
                                undo: None,
                            });
                        }
                    });
                });
                let text = locale.fill(Msg::Deleted, &[("name", &name)]);
                notices.show(Notice {
                    text,
                    undo: Some(undo),
                });
            }
            Err(error) => notices.show(Notice {
                text: locale.t(store_error_msg(&error)).into(),
                undo: None,
            }),
        }
    });
}

/// A record's title, subtitle and actions (call, write, edit, delete).
#[component]
fn RecordHeader<E: Listed + Clone>(
    record: E,
    name: String,
    set_editing: WriteSignal<bool>,
    /// The line under the title.
    children: Children,
    #[prop(optional)] actions: Option<Children>,
) -> impl IntoView {
    let locale = use_locale();
    let app_name = move || locale.t(Msg::AppName);
    let title = name.clone();
    view! {
        <Title text=move || format!("{title} · {}", app_name()) />
        <header class="page-header record-header">
            <div>
                <h1><bdi>{name.clone()}</bdi></h1>
                <p class="page-intro">{children()}</p>
            </div>
            <div class="record-actions">
                {actions.map(|actions| actions())}
                <button type="button" class="button" on:click=move |_| set_editing.set(true)>{move || locale.t(Msg::Edit)}</button>
                <button type="button" class="button danger" on:click=move |_| delete_with_undo(record.clone(), name.clone())>
                    {move || locale.t(Msg::Delete)}
                </button>
            </div>
        </header>
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

#[component]
fn ContactPage(contact: Contact) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let (editing, set_editing) = signal(false);
    let name = contact.display_name();
    let company = contact.company_id.as_ref().and_then(|id| {
        workspace
            .companies
            .with(|c| c.get(id).map(|c| (id.clone(), c.name.clone())))
    });
    let owner = contact.owner_id.as_ref().and_then(|id| {
        workspace
            .members
            .with(|m| m.get(id).map(|m| m.display_name().to_owned()))
    });
    let stage = contact.lifecycle_stage;
    let phones = contact
        .phones
        .iter()
        .map(|p| {
            let href = format!("tel:{}", p.number);
            view! { <li><a href=href dir="ltr">{p.number.clone()}</a></li> }
        })
        .collect_view();
    let emails = contact
        .emails
        .iter()
        .map(|e| {
            let href = format!("mailto:{}", e.address);
            view! { <li><a href=href dir="ltr">{e.address.clone()}</a></li> }
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
    let address = [contact.address.line.as_str(), contact.address.city.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("، ");
    let source = contact.source;
    let has = (
        !contact.phones.is_empty(),
        !contact.emails.is_empty(),
        !contact.tags.is_empty(),
        !address.is_empty(),
        !contact.notes.is_empty(),
    );
    let job_title = contact.job_title.clone();

    view! {
        <RecordHeader record=contact.clone() name=name set_editing=set_editing
            actions=Box::new(move || view! { {call}{mail}{whatsapp}{telegram} }.into_any())
        >
            <span class=format!("badge stage-{}", stage.as_str())>{move || locale.t(stage_msg(stage))}</span>
            {job_title}
            {company.map(|(id, company)| view! { " · " <A href=format!("/customers/{id}")>{company}</A> })}
        </RecordHeader>
        <section class="card">
            <dl class="details">
                {detail(Msg::Phones, view! { <ul class="plain">{phones}</ul> }, has.0)}
                {detail(Msg::Emails, view! { <ul class="plain">{emails}</ul> }, has.1)}
                {detail(Msg::Owner, owner.clone().unwrap_or_default(), owner.is_some())}
                {detail(Msg::LeadSource, move || source.map(|s| locale.t(source_msg(s))), source.is_some())}
                {detail(Msg::Tags, contact.tags.join(" · "), has.2)}
                {detail(Msg::Address, address.clone(), has.3)}
                {detail(Msg::Notes, view! { <p class="notes">{contact.notes.clone()}</p> }, has.4)}
            </dl>
        </section>
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
    let company_id = company.id.clone();
    let people = move || {
        workspace.contacts.with(|contacts| {
            contacts
                .iter()
                .filter(|c| c.company_id.as_ref() == Some(&company_id))
                .map(|c| (c.id.clone(), c.display_name()))
                .collect::<Vec<_>>()
        })
    };
    let industry = company.industry.clone();
    view! {
        <RecordHeader record=company.clone() name=company.name.clone() set_editing=set_editing>
            {industry}
        </RecordHeader>
        <section class="card">
            <h2>{move || locale.t(Msg::People)}</h2>
            <ul class="plain">
                {move || people().into_iter().map(|(id, name)| view! {
                    <li><A href=format!("/customers/{id}")><bdi>{name}</bdi></A></li>
                }).collect_view()}
            </ul>
        </section>
        <Show when=move || editing.get()>
            <CompanyForm initial=Some(company.clone()) on_done=Callback::new(move |_| set_editing.set(false)) />
        </Show>
    }
}
