//! Templated messages, shared by a customer's message dialog and a segment's message batch: a
//! text with placeholders ({first_name}, {company} …) filled in per contact, the links that
//! open it in the user's own e-mail, SMS, WhatsApp or Telegram, and logging what was sent on
//! the contact's timeline. Templates are kept on this device.

use crate::{
    i18n::{use_locale, Locale, Msg},
    notice::msg_reporter,
    records::activity::new_activity,
    ui::editing::failure_reporter,
    workspace::use_workspace,
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::model::{Activity, ActivityKind, Contact, MessageChannel};
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

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
pub fn load_templates(locale: Locale) -> Vec<Template> {
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

/// Keeps the templates on this device; fails in private mode or on a full disk (a template
/// not kept is still used for this message).
pub fn save_templates(templates: &[Template]) -> Result<(), gloo_storage::errors::StorageError> {
    LocalStorage::set(TEMPLATES_KEY, templates)
}

/// The placeholders as a hint shows them: "{first_name} {last_name} …".
pub fn placeholders_hint() -> String {
    PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
}

/// Replaces each `{name}` of `text` by its value; unknown placeholders stay as written.
pub fn fill_placeholders(text: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(text.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// The placeholder values for a contact.
pub fn values_for(contact: &Contact) -> Vec<(&'static str, String)> {
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

/// The link that opens an automation rule's prepared message in the user's own e-mail or
/// SMS app.
pub fn prepared_message_href(
    via: rabet_domain::model::SendVia,
    to: &str,
    subject: &str,
    body: &str,
) -> String {
    match via {
        rabet_domain::model::SendVia::Email => {
            format!(
                "mailto:{to}?subject={}&body={}",
                encode(subject),
                encode(body)
            )
        }
        rabet_domain::model::SendVia::Sms => format!("sms:{to}?body={}", encode(body)),
    }
}

/// A channel the contact can be reached on, with the link that opens it with the text.
#[derive(Clone, Debug)]
pub struct Route {
    pub label: Msg,
    pub href: String,
    /// What the interaction is logged as.
    pub kind: ActivityKind,
    pub channel: Option<MessageChannel>,
    /// Telegram links cannot carry text: it is copied for pasting instead.
    pub copies_text: bool,
}

/// Every channel the contact has, as links carrying `subject` and `text`.
pub fn routes(contact: &Contact, subject: &str, text: &str) -> Vec<Route> {
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

/// What happens when a message link is followed: the text goes on the clipboard for channels
/// that cannot carry it, and, if `log` is set, the message is logged on the contact's
/// timeline. Made where the contexts are at hand; called from click handlers.
pub fn message_sender() -> impl Fn(&Contact, &Route, String, String, bool) + Copy + 'static {
    let workspace = use_workspace();
    let report = failure_reporter();
    let tell = msg_reporter();
    move |contact, route, subject, body, log| {
        if route.copies_text {
            // Telegram opens the chat; the text waits on the clipboard.
            let copied = JsFuture::from(window().navigator().clipboard().write_text(&body));
            leptos::task::spawn_local(async move {
                if copied.await.is_err() {
                    tell(Msg::CopyFailed);
                }
            });
        }
        if !log {
            return;
        }
        let activity = Activity {
            channel: route.channel,
            subject,
            body,
            contact_id: Some(contact.id.clone()),
            company_id: contact.company_id.clone(),
            ..new_activity(route.kind)
        };
        leptos::task::spawn_local(async move {
            if let Err(error) = workspace.save(None, activity).await {
                report(&error);
            }
        });
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

    #[wasm_bindgen_test]
    fn routes_follow_the_contact_channels() {
        let contact = Contact {
            emails: vec![rabet_domain::model::Email {
                address: "sara@example.com".into(),
                ..Default::default()
            }],
            telegram: "@sara".into(),
            ..Contact::default()
        };
        let routes = routes(&contact, "Hi", "Hello Sara");
        let hrefs: Vec<&str> = routes.iter().map(|r| r.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "mailto:sara@example.com?subject=Hi&body=Hello%20Sara",
                "https://t.me/sara"
            ]
        );
        assert!(routes[1].copies_text);
    }
}

/// The message's text, with the placeholders it may use as its hint; `prefix` names the
/// elements (`{prefix}-text`, `{prefix}-placeholders`).
#[component]
pub fn MessageTextField(prefix: &'static str, rows: u32, text: RwSignal<String>) -> impl IntoView {
    let locale = use_locale();
    let id = format!("{prefix}-text");
    let hint_id = format!("{prefix}-placeholders");
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{move || locale.t(Msg::MessageText)}</label>
            <textarea id=id rows=rows aria-describedby=hint_id.clone()
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <span class="field-hint" id=hint_id>
                {move || locale.t(Msg::PlaceholdersHint)}" "<bdi dir="ltr">{placeholders_hint()}</bdi>
            </span>
        </div>
    }
}
