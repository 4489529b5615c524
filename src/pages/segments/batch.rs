//! A message batch for a segment: one template, filled in for every member, as a list of
//! links (e-mail, SMS, WhatsApp, Telegram) the user opens one after another in their own apps.

use crate::{
    i18n::{use_locale, Msg},
    ui::{
        messages::{
            fill_placeholders, message_sender, routes, use_templates, values_for, MessageTextField,
        },
        widgets::{ShowMore, TextField},
    },
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::model::Contact;

/// Members listed before "show more": each row builds its links.
const FIRST_ROWS: usize = 25;

#[component]
pub fn MessageBatch(members: Memo<Vec<usize>>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let templates = use_templates();
    let first = templates.with_untracked(|t| t.first().cloned());
    let subject = RwSignal::new(first.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let text = RwSignal::new(first.map(|t| t.body).unwrap_or_default());
    let log_it = RwSignal::new(true);
    let limit = RwSignal::new(FIRST_ROWS);
    let send = message_sender();
    let pick = move |ev| {
        let chosen = event_target_value(&ev).parse::<usize>().ok();
        if let Some(template) =
            chosen.and_then(|at| templates.with_untracked(|t| t.get(at).cloned()))
        {
            subject.set(template.name);
            text.set(template.body);
        }
    };
    let contacts = move || {
        let shown: Vec<usize> = members.with(|m| m.iter().take(limit.get()).copied().collect());
        workspace.contacts.with(|c| {
            shown
                .into_iter()
                .map(|at| c.at(at).clone())
                .collect::<Vec<Contact>>()
        })
    };
    let total = move || members.with(Vec::len);
    let row = move |contact: Contact| {
        let contact = StoredValue::new(contact);
        let links = move || {
            let body = contact.with_value(|c| fill_placeholders(&text.get(), &values_for(c)));
            let found = contact.with_value(|c| routes(c, &subject.get(), &body));
            if found.is_empty() {
                return view! { <span class="row-sub">{locale.t(Msg::NoWayToReach)}</span> }
                    .into_any();
            }
            found
                .into_iter()
                .map(|route| {
                    let (href, label, body) = (route.href.clone(), route.label, body.clone());
                    let follow = move |_| {
                        contact.with_value(|c| {
                            send(
                                c,
                                &route,
                                subject.get_untracked(),
                                body.clone(),
                                log_it.get_untracked(),
                            )
                        })
                    };
                    view! {
                        <a class="chip" href=href target="_blank" rel="noopener" on:click=follow>
                            {move || locale.t(label)}
                        </a>
                    }
                })
                .collect_view()
                .into_any()
        };
        view! {
            <li class="batch-row">
                <bdi class="row-title">{contact.with_value(Contact::display_name)}</bdi>
                <span class="chips">{links}</span>
            </li>
        }
    };
    view! {
        <section class="card message-batch" aria-labelledby="batch-title">
            <h2 id="batch-title">{move || locale.t(Msg::MessageBatch)}</h2>
            <p class="field-hint">{move || locale.t(Msg::MessageBatchHint)}</p>
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="batch-template">{move || locale.t(Msg::TemplateLabel)}</label>
                    <select id="batch-template" on:change=pick>
                        {move || templates.with(|all| all.iter().enumerate().map(|(at, t)| view! {
                            <option value=at.to_string()>{t.name.clone()}</option>
                        }).collect_view())}
                    </select>
                </div>
                <TextField label=Msg::SubjectLabel id="batch-subject"
                    get=move || subject.get() set=move |v| subject.set(v) />
            </div>
            <MessageTextField prefix="batch" rows=3 text=text />
            <label class="check">
                <input type="checkbox" prop:checked=move || log_it.get() on:change=move |ev| log_it.set(event_target_checked(&ev)) />
                {move || locale.t(Msg::LogOnTimeline)}
            </label>
            <ul class="plain batch-list" aria-labelledby="batch-title">
                <For each=contacts key=|c| c.id.clone() children=row />
            </ul>
            <ShowMore limit=limit step=FIRST_ROWS * 4 total=Signal::derive(total) />
        </section>
    }
}
