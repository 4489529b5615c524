//! The message dialog: a template filled in for one contact and opened in the user's own
//! e-mail, SMS, WhatsApp or Telegram, then logged on the timeline (templates and links in
//! `ui::messages`).

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    local_time::now_ms,
    ui::{
        editing::failure_reporter,
        messages::{
            fill_placeholders, message_sender, routes, use_templates, values_for, MessageTextField,
        },
        widgets::{modal_dialog, refused, RefusedNote},
    },
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    kind::EntityKind,
    model::{Contact, MessageTemplate},
};

#[component]
pub fn MessageDialog(contact: Contact, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let templates = use_templates();
    // Templates are the workspace's set-up: an admin's to change.
    let refused = refused(Some(EntityKind::MessageTemplate));
    let report = failure_reporter();
    let chosen = RwSignal::new(0_usize);
    let text = RwSignal::new(
        templates.with_untracked(|t| t.first().map(|t| t.body.clone()).unwrap_or_default()),
    );
    let subject = RwSignal::new(
        templates.with_untracked(|t| t.first().map(|t| t.name.clone()).unwrap_or_default()),
    );
    let log_it = RwSignal::new(true);
    let values = StoredValue::new(values_for(&contact));
    let filled = Memo::new(move |_| values.with_value(|v| fill_placeholders(&text.get(), v)));
    let contact = StoredValue::new(contact);
    let pick = move |ev| {
        let Ok(at) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        if let Some(template) = templates.with_untracked(|t| t.get(at).cloned()) {
            chosen.set(at);
            text.set(template.body);
            subject.set(template.name);
        }
    };
    let save_template = move |_| {
        let name = subject.get_untracked().trim().to_owned();
        if name.is_empty() {
            return;
        }
        let body = text.get_untracked();
        let before = workspace
            .message_templates
            .with_untracked(|all| all.iter().find(|t| t.name == name).cloned());
        leptos::task::spawn_local(async move {
            let saved = match before {
                Some(before) => {
                    let after = MessageTemplate {
                        body,
                        ..before.clone()
                    };
                    workspace.save(Some(&before), after).await
                }
                None => {
                    let new = MessageTemplate {
                        id: Workspace::new_id(),
                        name: name.clone(),
                        body,
                        created_at: now_ms(),
                    };
                    workspace.save(None, new).await
                }
            };
            match saved {
                Ok(()) => chosen.set(
                    templates
                        .with_untracked(|all| all.iter().position(|t| t.name == name))
                        .unwrap_or(0),
                ),
                Err(error) => report(&error),
            }
        });
    };
    // Only the workspace's templates can be deleted (not the starter ones).
    let chosen_record =
        move || templates.with(|all| all.get(chosen.get()).and_then(|t| t.id.clone()));
    let delete_template = move |_| {
        let Some(id) = chosen_record() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match workspace.delete::<MessageTemplate>(&id).await {
                Ok(_) => chosen.set(0),
                Err(error) => report(&error),
            }
        });
    };
    let send = message_sender();
    let dialog = modal_dialog();
    view! {
        <dialog class="form-dialog" node_ref=dialog aria-labelledby="message-title"
            on:cancel=move |ev: web_sys::Event| { ev.prevent_default(); on_done.run(()); }>
            <h2 id="message-title">{move || locale.t(Msg::SendMessage)}</h2>
            <div class="form-grid">
                <div class="field">
                    <label class="field-label" for="message-template">{move || locale.t(Msg::TemplateLabel)}</label>
                    <select id="message-template" on:change=pick>
                        {move || templates.get().into_iter().enumerate().map(|(at, t)| view! {
                            <option value=at.to_string() selected=move || chosen.get() == at>{t.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <crate::ui::widgets::TextField label=Msg::SubjectLabel id="message-subject"
                    get=move || subject.get() set=move |v| subject.set(v) />
            </div>
            <MessageTextField prefix="message" rows=4 text=text />
            <RefusedNote kind=EntityKind::MessageTemplate />
            <div class="chips">
                <button type="button" class="chip" disabled=move || refused.get().is_some() on:click=save_template>
                    {move || locale.t(Msg::SaveTemplate)}
                </button>
                <button type="button" class="chip" disabled=move || refused.get().is_some() || chosen_record().is_none()
                    on:click=delete_template>
                    {move || locale.t(Msg::DeleteTemplate)}
                </button>
            </div>
            <h3>{move || locale.t(Msg::MessagePreview)}</h3>
            <p class="notes message-preview"><bdi>{move || filled.get()}</bdi></p>
            <label class="check">
                <input type="checkbox" prop:checked=move || log_it.get() on:change=move |ev| log_it.set(event_target_checked(&ev)) />
                {move || locale.t(Msg::LogOnTimeline)}
            </label>
            <div class="form-actions message-routes">
                {move || {
                    let routes = contact.with_value(|c| routes(c, &subject.get(), &filled.get()));
                    if routes.is_empty() {
                        return view! { <p class="field-hint">{locale.t(Msg::NoWayToReach)}</p> }.into_any();
                    }
                    routes.into_iter().map(|route| {
                        let (href, label) = (route.href.clone(), route.label);
                        let follow = move |_| contact.with_value(|c| {
                            send(c, &route, subject.get_untracked(), filled.get_untracked(), log_it.get_untracked())
                        });
                        view! {
                            <a class="button primary" href=href target="_blank" rel="noopener" on:click=follow>
                                {move || locale.fill(phrase::SendVia { channel: locale.t(label) })}
                            </a>
                        }
                    }).collect_view().into_any()
                }}
                <button type="button" class="button" on:click=move |_| on_done.run(())>{move || locale.t(Msg::Close)}</button>
            </div>
        </dialog>
    }
}
