//! The message dialog: a template filled in for one contact and opened in the user's own
//! e-mail, SMS, WhatsApp or Telegram, then logged on the timeline (templates and links in
//! `ui::messages`).

use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    notice::msg_reporter,
    ui::{
        messages::{
            fill_placeholders, load_templates, message_sender, routes, save_templates, values_for,
            MessageTextField, Template,
        },
        widgets::modal_dialog,
    },
};
use leptos::prelude::*;
use rabet_domain::model::Contact;

#[component]
pub fn MessageDialog(contact: Contact, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
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
    let tell = msg_reporter();
    let persist = move || {
        if templates.with_untracked(|t| save_templates(t)).is_err() {
            tell(Msg::TemplatesNotKept);
        }
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
