//! Messages from templates: a text with placeholders ({first_name}, {company} …) filled in for
//! one contact and opened in the user's own e-mail, SMS, WhatsApp or Telegram, then logged on
//! the timeline. Templates are kept on this device.

use crate::{
    editing::failure_reporter,
    i18n::{use_locale, Locale, Msg},
    pages::activities::new_activity,
    workspace::use_workspace,
};
use gloo_storage::{LocalStorage, Storage};
use leptos::{html, prelude::*};
use rabet_domain::model::{Activity, ActivityKind, Contact, MessageChannel};
use serde::{Deserialize, Serialize};

const TEMPLATES_KEY: &str = "rabet.message_templates";

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 6] = [
    "first_name",
    "last_name",
    "full_name",
    "company",
    "job_title",
    "owner",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    pub body: String,
}

/// The templates saved on this device, or the starter ones in the user's language.
fn load_templates(locale: Locale) -> Vec<Template> {
    LocalStorage::get(TEMPLATES_KEY).unwrap_or_else(|_| {
        [
            (Msg::TemplateGreetingName, Msg::TemplateGreetingBody),
            (Msg::TemplateFollowUpName, Msg::TemplateFollowUpBody),
            (Msg::TemplatePaymentName, Msg::TemplatePaymentBody),
        ]
        .into_iter()
        .map(|(name, body)| Template {
            name: locale.t(name).into(),
            body: locale.t(body).into(),
        })
        .collect()
    })
}

/// Replaces each `{name}` of `text` by its value; unknown placeholders stay as written.
pub fn fill_placeholders(text: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// The placeholder values for a contact.
fn values_for(contact: &Contact) -> Vec<(&'static str, String)> {
    let workspace = use_workspace();
    let company = contact
        .company_id
        .as_ref()
        .and_then(|id| {
            workspace
                .companies
                .with_untracked(|c| c.get(id).map(|c| c.name.clone()))
        })
        .unwrap_or_default();
    let owner = contact
        .owner_id
        .as_ref()
        .and_then(|id| {
            workspace
                .members
                .with_untracked(|m| m.get(id).map(|m| m.display_name().to_owned()))
        })
        .unwrap_or_default();
    let values = [
        contact.first_name.trim().to_owned(),
        contact.last_name.trim().to_owned(),
        contact.display_name(),
        company,
        contact.job_title.trim().to_owned(),
        owner,
    ];
    PLACEHOLDERS.into_iter().zip(values).collect()
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}

/// A channel the contact can be reached on, with the link that opens it with the text.
struct Route {
    label: Msg,
    href: String,
    /// What the interaction is logged as.
    kind: ActivityKind,
    channel: Option<MessageChannel>,
    /// Telegram links cannot carry text: it is copied for pasting instead.
    copies_text: bool,
}

fn routes(contact: &Contact, subject: &str, text: &str) -> Vec<Route> {
    let mut routes = Vec::new();
    if let Some(email) = contact.primary_email() {
        routes.push(Route {
            label: Msg::Email,
            href: format!(
                "mailto:{email}?subject={}&body={}",
                encode(subject),
                encode(text)
            ),
            kind: ActivityKind::Email,
            channel: None,
            copies_text: false,
        });
    }
    if let Some(phone) = contact.primary_phone() {
        routes.push(Route {
            label: Msg::ChannelSms,
            href: format!("sms:{phone}?body={}", encode(text)),
            kind: ActivityKind::Message,
            channel: Some(MessageChannel::Sms),
            copies_text: false,
        });
    }
    let whatsapp = Some(contact.whatsapp.trim())
        .filter(|w| !w.is_empty())
        .or(contact.primary_phone());
    if let Some(number) = whatsapp {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        routes.push(Route {
            label: Msg::WhatsApp,
            href: format!("https://wa.me/{digits}?text={}", encode(text)),
            kind: ActivityKind::Message,
            channel: Some(MessageChannel::Whatsapp),
            copies_text: false,
        });
    }
    let handle = contact.telegram.trim().trim_start_matches('@');
    if !handle.is_empty() {
        routes.push(Route {
            label: Msg::Telegram,
            href: format!("https://t.me/{handle}"),
            kind: ActivityKind::Message,
            channel: Some(MessageChannel::Telegram),
            copies_text: true,
        });
    }
    routes
}

#[component]
pub fn MessageDialog(contact: Contact, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let templates = RwSignal::new(load_templates(locale));
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
    let persist = move || {
        // A template not kept (private mode, full disk) is still used for this message.
        let _ = LocalStorage::set(TEMPLATES_KEY, templates.get_untracked());
    };
    let save_template = move |_| {
        let template = Template {
            name: subject.get_untracked().trim().to_owned(),
            body: text.get_untracked(),
        };
        if template.name.is_empty() {
            return;
        }
        templates.update(
            |all| match all.iter().position(|t| t.name == template.name) {
                Some(at) => all[at] = template,
                None => {
                    all.push(template);
                    chosen.set(all.len() - 1);
                }
            },
        );
        persist();
    };
    let delete_template = move |_| {
        templates.update(|all| {
            if chosen.get_untracked() < all.len() {
                all.remove(chosen.get_untracked());
            }
        });
        chosen.set(0);
        persist();
    };
    let report = failure_reporter();
    let sent = move |kind: ActivityKind, channel: Option<MessageChannel>, copies_text: bool| {
        let body = filled.get_untracked();
        if copies_text {
            // Telegram opens the chat; the text waits on the clipboard.
            let _ = window().navigator().clipboard().write_text(&body);
        }
        if !log_it.get_untracked() {
            return;
        }
        let contact = contact.get_value();
        let activity = Activity {
            channel,
            subject: subject.get_untracked(),
            body,
            contact_id: Some(contact.id.clone()),
            company_id: contact.company_id.clone(),
            ..new_activity(kind)
        };
        leptos::task::spawn_local(async move {
            if let Err(error) = workspace.save(None, activity).await {
                report(&error);
            }
        });
    };
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    let hint = PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ");
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
                <crate::widgets::TextField label=Msg::SubjectLabel id="message-subject"
                    get=move || subject.get() set=move |v| subject.set(v) />
            </div>
            <div class="field">
                <label class="field-label" for="message-text">{move || locale.t(Msg::MessageText)}</label>
                <textarea id="message-text" rows="4" aria-describedby="message-placeholders"
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <span class="field-hint" id="message-placeholders">{move || locale.t(Msg::PlaceholdersHint)}" "<bdi dir="ltr">{hint.clone()}</bdi></span>
            </div>
            <div class="chips">
                <button type="button" class="chip" on:click=save_template>{move || locale.t(Msg::SaveTemplate)}</button>
                <button type="button" class="chip" on:click=delete_template>{move || locale.t(Msg::DeleteTemplate)}</button>
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
                        let (kind, channel, copies) = (route.kind, route.channel, route.copies_text);
                        view! {
                            <a class="button primary" href=route.href target="_blank" rel="noopener"
                                on:click=move |_| sent(kind, channel, copies)>
                                {move || locale.fill(Msg::SendVia, &[("channel", locale.t(route.label))])}
                            </a>
                        }
                    }).collect_view().into_any()
                }}
                <button type="button" class="button" on:click=move |_| on_done.run(())>{move || locale.t(Msg::Close)}</button>
            </div>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let values = [
            ("first_name", "Sara".to_owned()),
            ("company", "Acme".to_owned()),
        ];
        assert_eq!(
            fill_placeholders(
                "Hi {first_name} of {company}, {first_name}! {unknown}",
                &values
            ),
            "Hi Sara of Acme, Sara! {unknown}"
        );
    }
}
