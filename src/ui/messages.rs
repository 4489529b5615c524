//! Templated messages, shared by a customer's message dialog and a segment's message batch: a
//! text with placeholders ({first_name}, {company} …) filled in per contact, the links that
//! open it in the user's own e-mail, SMS, WhatsApp or Telegram, and logging what was sent on
//! the contact's timeline. Templates are the workspace's records (`MessageTemplate`); those a
//! browser kept in its local storage before are moved into records once.

use crate::ui::format::member_name;
use crate::{
    i18n::{use_locale, Locale, Msg},
    local_time::now_ms,
    notice::msg_reporter,
    records::activity::new_activity,
    store::StoreError,
    sync::use_sync,
    ui::editing::failure_reporter,
    workspace::{use_workspace, Ids, Workspace},
};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    id::Id,
    kind::EntityKind,
    model::{Activity, ActivityKind, Contact, MessageChannel, MessageTemplate},
};
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

/// Where templates were kept on one device, before they were the workspace's records.
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

/// A template as the pickers offer it: a workspace record's (`id`), or one this device still
/// keeps from before (no id; moved into the workspace once its role may write templates),
/// or a starter one while the workspace has none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    #[serde(skip)]
    pub id: Option<Id>,
    pub name: String,
    pub body: String,
}

/// The templates this browser kept in local storage before templates were synced; `None`
/// when it kept none (or they have been moved).
fn device_templates() -> Option<Vec<Template>> {
    LocalStorage::get(TEMPLATES_KEY).ok()
}

/// The templates to pick from: the workspace's by name, then any this device still keeps
/// from before; the starter ones in the user's language when there are none. Tracked.
pub fn use_templates() -> Signal<Vec<Template>> {
    let workspace = use_workspace();
    let locale = use_locale();
    let kept = StoredValue::new(device_templates().unwrap_or_default());
    Signal::derive(move || {
        let mut all: Vec<Template> = workspace.message_templates.with(|templates| {
            templates
                .iter()
                .map(|t| Template {
                    id: Some(t.id.clone()),
                    name: t.name.clone(),
                    body: t.body.clone(),
                })
                .collect()
        });
        sort_by(&mut all, |a, b| a.name.cmp(&b.name));
        if device_templates().is_some() {
            kept.with_value(|kept| all.extend(kept.iter().cloned()));
        }
        if all.is_empty() {
            all = starter_templates(locale);
        }
        all
    })
}

fn starter_templates(locale: Locale) -> Vec<Template> {
    [
        (Msg::TemplateGreetingName, Msg::TemplateGreetingBody),
        (Msg::TemplateFollowUpName, Msg::TemplateFollowUpBody),
        (Msg::TemplatePaymentName, Msg::TemplatePaymentBody),
    ]
    .into_iter()
    .map(|(name, body)| Template {
        id: None,
        name: locale.t(name).into(),
        body: locale.t(body).into(),
    })
    .collect()
}

/// Moves the templates this browser kept in local storage into the workspace, once the
/// workspace and this device's role are known and the role may write templates (until
/// then they stay, listed after the workspace's). Local storage forgets them once stored.
pub fn move_device_templates() {
    let workspace = use_workspace();
    let sync = use_sync();
    let report = failure_reporter();
    let mut moving = false;
    Effect::new(move |_| {
        if moving || !sync.is_ready() || workspace.refusal(EntityKind::MessageTemplate).is_some() {
            return;
        }
        let Some(kept) = device_templates() else {
            return;
        };
        moving = true;
        leptos::task::spawn_local(async move {
            match move_templates(workspace, &kept).await {
                Ok(()) => LocalStorage::delete(TEMPLATES_KEY),
                Err(error) => report(&error),
            }
        });
    });
}

/// Stores the records of `kept` templates the workspace does not hold yet.
async fn move_templates(workspace: Workspace, kept: &[Template]) -> Result<(), StoreError> {
    let held = |id: &Id| {
        workspace
            .message_templates
            .with_untracked(|held| held.get(id).is_some())
    };
    let new = templates_to_move(kept, held, now_ms());
    if new.is_empty() {
        return Ok(());
    }
    workspace.save_many(new, Ids::MayExist, |_| {}).await
}

/// The records `kept` templates become, but those already `held`: a template this device
/// kept becomes a record whose id is derived from what it says, so two devices that kept
/// the same template make one record, and a second run none.
fn templates_to_move(
    kept: &[Template],
    held: impl Fn(&Id) -> bool,
    created_at: i64,
) -> Vec<MessageTemplate> {
    kept.iter()
        .map(|kept| MessageTemplate {
            id: Id::derived(&["message_template", &kept.name, &kept.body]),
            name: kept.name.clone(),
            body: kept.body.clone(),
            created_at,
        })
        .filter(|record| !held(&record.id))
        .collect()
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
    let owner = member_name(contact.owner_id.as_ref());
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

    /// Local storage as a browser left it before templates were synced.
    fn keep_on_device(templates: &[(&str, &str)]) {
        let kept: Vec<Template> = templates
            .iter()
            .map(|(name, body)| Template {
                id: None,
                name: (*name).to_owned(),
                body: (*body).to_owned(),
            })
            .collect();
        LocalStorage::set(TEMPLATES_KEY, kept).unwrap();
    }

    #[wasm_bindgen_test]
    async fn templates_kept_on_two_devices_move_into_one_record_each_and_a_second_run_moves_none() {
        use crate::store::{new_id, Store};
        let names = [
            format!("rabet-test-templates-a-{}", new_id()),
            format!("rabet-test-templates-b-{}", new_id()),
        ];
        let (a, b) = (
            Store::open_named(&names[0]).await.unwrap(),
            Store::open_named(&names[1]).await.unwrap(),
        );
        let greeting = ("Greeting", "Hello {first_name}!");
        // Both devices kept the greeting; the second also a template of its own.
        let mut moved = Vec::new();
        for (store, kept) in [
            (&a, vec![greeting]),
            (&b, vec![greeting, ("Quote", "Your quote, {first_name}.")]),
        ] {
            keep_on_device(&kept);
            let on_device = device_templates().expect("kept");
            assert_eq!(on_device.len(), kept.len());
            let records = templates_to_move(&on_device, |_| false, 1_000);
            store
                .save_many(&records, Ids::MayExist, |_| {})
                .await
                .unwrap();
            // Held now: a second run moves nothing.
            let held: Vec<Id> = records.iter().map(|r| r.id.clone()).collect();
            assert_eq!(
                templates_to_move(&on_device, |id| held.contains(id), 2_000),
                []
            );
            moved.push(records);
        }
        LocalStorage::delete(TEMPLATES_KEY);
        assert_eq!(device_templates(), None);
        // The same greeting is the same record on both devices.
        assert_eq!(moved[0][0].id, moved[1][0].id);
        // Synced: device A takes B's ops and holds two templates, the greeting once.
        let ops = b.outbox().await.unwrap();
        a.apply_pulled(&ops, &[], 1).await.unwrap();
        let mut held: Vec<(String, String)> = a
            .load::<MessageTemplate>()
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.body))
            .collect();
        held.sort();
        assert_eq!(
            held,
            [
                (greeting.0.to_owned(), greeting.1.to_owned()),
                ("Quote".to_owned(), "Your quote, {first_name}.".to_owned()),
            ]
        );
        drop((a, b));
        for name in names {
            indexed_db_futures::database::Database::delete_by_name(&name)
                .unwrap()
                .await
                .unwrap();
        }
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
