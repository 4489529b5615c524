//! Settings: language, workspace (calendar, time zone, currency), pipelines, custom fields,
//! team, automation rules, and this device's storage.

mod automation;
mod custom_fields;
mod pipeline;

use crate::i18n::phrase;
use crate::ui::{history::FieldHistory, widgets::RefusedNote};
use crate::{
    download::backup_saver,
    file::{chosen_file, read_text},
    i18n::{role_msg, store_error_msg, use_locale, Counted, Msg, Worded},
    local_time::{device_zone_name, zone_named, zone_names},
    notice::{use_notices, Notice},
    records::sample::SampleSection,
    store::{request_persistence, storage_estimate, StorageEstimate},
    ui::{draft::Draft, widgets::FailureText, PageHeader},
    workspace::{use_workspace, Workspace},
};
use automation::AutomationSection;
use custom_fields::CustomFieldsSection;
use leptos::prelude::*;
use pipeline::PipelineSettings;
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    backup::Backup,
    calendar::Calendar,
    id::Id,
    locale::{format_decimal, Lang},
    model::{Role, Settings as WorkspaceSettings, TeamMember},
    money::Currency,
};

#[component]
pub fn Settings() -> impl IntoView {
    view! {
        <PageHeader title=Msg::NavSettings intro=Msg::SettingsIntro />
        <div class="settings">
            <LanguageSection />
            <WorkspaceSection />
            <PipelineSettings />
            <CustomFieldsSection />
            <TeamSection />
            <AutomationSection />
            <super::sync::SyncSection />
            <super::sync::TeamAccessSection />
            <StorageSection />
            <BackupSection />
            <SampleSection />
        </div>
    }
}

#[component]
fn LanguageSection() -> impl IntoView {
    let locale = use_locale();
    let options = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <option value=lang.code() selected=move || locale.lang() == lang>
                    {Msg::LanguageName.text(lang)}
                </option>
            }
        })
        .collect_view();
    let choose = move |ev| {
        if let Some(lang) = Lang::from_tag(&event_target_value(&ev)) {
            locale.set(lang);
            // The page is built again in the new language: the choice keeps the focus.
            request_animation_frame(|| {
                use wasm_bindgen::JsCast;
                if let Some(select) = document()
                    .get_element_by_id("language-choice")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = select.focus();
                }
            });
        }
    };
    view! {
        <section class="card settings-section">
            <label class="field">
                <span class="field-label">{move || locale.t(Msg::Language)}</span>
                <select id="language-choice" on:change=choose>{options}</select>
                <span class="field-hint">{move || locale.t(Msg::SettingsLanguageHint)}</span>
            </label>
        </section>
    }
}

/// Saves a change to the workspace settings, saying so if it fails.
fn update_settings(change: impl FnOnce(&mut WorkspaceSettings) + 'static) {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    leptos::task::spawn_local(async move {
        if let Err(error) = workspace.update_settings(change).await {
            notices.show(Notice {
                text: locale.t(store_error_msg(&error)).into(),
                undo: None,
            });
        }
    });
}

#[component]
fn WorkspaceSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let calendars: [(Option<Calendar>, Msg, &str); 3] = [
        (None, Msg::CalendarAuto, "auto"),
        (
            Some(Calendar::Gregorian),
            Msg::CalendarGregorian,
            "gregorian",
        ),
        (Some(Calendar::Jalali), Msg::CalendarJalali, "jalali"),
    ];
    let current_calendar = move || workspace.settings.with(|s| s.calendar);
    // A choice made before the workspace is open could not be saved, nor one the role
    // does not allow (said by the note).
    let loading =
        move || !workspace.is_ready() || workspace.refusal(EntityKind::Settings).is_some();
    let choose_calendar = move |ev| {
        let chosen = event_target_value(&ev);
        if let Some((calendar, _, _)) = calendars.iter().find(|(_, _, key)| *key == chosen) {
            let calendar = *calendar;
            update_settings(move |s| s.calendar = calendar);
        }
    };
    // The zones this browser knows; the one chosen is kept in the list even if it does not.
    let zone_names = StoredValue::new(zone_names());
    let current_zone = move || workspace.settings.with(|s| s.time_zone.clone());
    let zone_options = move || {
        let chosen = current_zone();
        let mut names = zone_names.get_value();
        if let Some(name) = chosen.as_ref().filter(|name| !names.contains(name)) {
            names.insert(0, name.clone());
        }
        names
            .into_iter()
            .map(|name| {
                let selected = chosen.as_deref() == Some(name.as_str());
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let choose_zone = move |ev| {
        let chosen = event_target_value(&ev);
        let zone = (!chosen.is_empty()).then_some(chosen);
        // Only a zone this browser can count days in is saved.
        if zone
            .as_deref()
            .is_none_or(|name| zone_named(name).is_some())
        {
            update_settings(move |s| s.time_zone = zone);
        }
    };
    let choose_currency = move |ev| {
        let chosen = event_target_value(&ev);
        if let Some(currency) = Currency::ALL.iter().copied().find(|c| c.code() == chosen) {
            update_settings(move |s| s.currency = currency);
        }
    };
    view! {
        <section class="card settings-section">
            <h2>{move || locale.t(Msg::WorkspaceSection)}</h2>
            <RefusedNote kind=EntityKind::Settings />
            <div class="form-grid">
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::Calendar)}</span>
                    <select on:change=choose_calendar disabled=loading>
                        {calendars.into_iter().map(|(calendar, msg, key)| view! {
                            <option value=key selected=move || current_calendar() == calendar>{move || locale.t(msg)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::TimeZone)}</span>
                    <select on:change=choose_zone disabled=loading>
                        <option value="" selected=move || current_zone().is_none()>
                            {move || locale.fill(phrase::TimeZoneDevice { zone: &device_zone_name() })}
                        </option>
                        {zone_options}
                    </select>
                    <span class="field-hint">{move || locale.t(Msg::TimeZoneHint)}</span>
                </label>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::Currency)}</span>
                    <select on:change=choose_currency disabled=loading>
                        {Currency::ALL.iter().copied().map(|currency| view! {
                            <option
                                value=currency.code()
                                selected=move || workspace.settings.with(|s| s.currency == currency)
                            >
                                {move || currency.label(locale.lang())}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="choice">
                    <input
                        type="checkbox"
                        disabled=loading
                        prop:checked=move || workspace.settings.with(|s| s.revoked_may_backup)
                        on:change=move |ev| {
                            let allowed = event_target_checked(&ev);
                            update_settings(move |s| s.revoked_may_backup = allowed);
                        }
                    />
                    {move || locale.t(Msg::RevokedMayBackup)}
                </label>
                <p class="field-hint">{move || locale.t(Msg::RevokedMayBackupHint)}</p>
            </div>
            // Calendar, zone and currency, and the deal rules below (the same record).
            <FieldHistory kind=EntityKind::Settings id=Id::from_string(WorkspaceSettings::ID) />
        </section>
    }
}

#[component]
fn TeamSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let draft = Draft::new(None, || TeamMember {
        id: Workspace::new_id(),
        role: Role::Sales,
        ..TeamMember::default()
    });
    let member = draft.record;
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut typed = member.get_untracked();
        typed.normalize();
        // The next member starts empty, in the role just chosen.
        draft.submit(typed, move |_| {
            member.update(|m| {
                m.id = Workspace::new_id();
                m.name.clear();
                m.email.clear();
            })
        });
    };
    let error_text = move |field: &'static str| {
        let error = draft.error(field);
        move || error.get().map(|e| e.describe(locale))
    };
    let members = move || {
        workspace.members.with(|members| {
            let mut all: Vec<TeamMember> = members.iter().cloned().collect();
            sort_by(&mut all, |a, b| a.name.cmp(&b.name));
            all
        })
    };
    view! {
        <section class="card settings-section">
            <h2>{move || locale.t(Msg::TeamSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::TeamHint)}</p>
            <ul class="plain members">
                <For each=members key=|m| m.id.clone() let:member>
                    <li>
                        <bdi class="row-title">{member.display_name().to_owned()}</bdi>
                        " · "
                        <span class="row-sub">{move || locale.t(role_msg(member.role))}</span>
                        " "
                        <bdi class="row-sub" dir="ltr">{member.email.clone()}</bdi>
                    </li>
                </For>
            </ul>
            <RefusedNote kind=EntityKind::TeamMember />
            <form class="form-grid member-form" on:submit=add novalidate>
                <fieldset class="form-fields" disabled=move || workspace.refusal(EntityKind::TeamMember).is_some()>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::MemberName)}</span>
                    <input type="text" prop:value=move || member.with(|m| m.name.clone()) on:input=move |ev| member.update(|m| m.name = event_target_value(&ev)) />
                    <span class="field-error" role="alert">{error_text("name")}</span>
                </label>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::Email)}</span>
                    <input type="email" dir="ltr" prop:value=move || member.with(|m| m.email.clone()) on:input=move |ev| member.update(|m| m.email = event_target_value(&ev)) />
                    <span class="field-error" role="alert">{error_text("email")}</span>
                </label>
                <label class="field">
                    <span class="field-label">{move || locale.t(Msg::Role)}</span>
                    <select on:change=move |ev| {
                        if let Some(chosen) = Role::parse(&event_target_value(&ev)) {
                            member.update(|m| m.role = chosen);
                        }
                    }>
                        {Role::ALL.iter().copied().map(|r| view! {
                            <option value=r.as_str() selected=move || member.with(|m| m.role) == r>{move || locale.t(role_msg(r))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="field">
                    <span class="field-label" aria-hidden="true">" "</span>
                    <button type="submit" class="button primary">{move || locale.t(Msg::AddMember)}</button>
                </div>
                </fieldset>
            </form>
            <p class="form-failure" role="alert">{move || draft.failure.get().map(|m| locale.t(m))}</p>
        </section>
    }
}

#[component]
fn StorageSection() -> impl IntoView {
    let locale = use_locale();
    let estimate = LocalResource::new(storage_estimate);
    // `navigator.storage.persist()`: whether the browser agreed, shown under the button.
    let protect = Action::new_local(|_: &()| request_persistence());
    Effect::new(move |_| {
        // The answer changes whether the data is protected: read it again.
        if protect.value().get().is_some() {
            estimate.refetch();
        }
    });
    let answer = move || {
        protect.value().get().map(|granted| {
            let msg = if granted {
                Msg::PersistGranted
            } else {
                Msg::PersistRefused
            };
            view! { <p role="status">{move || locale.t(msg)}</p> }
        })
    };
    let megabytes = move |bytes: u64| format_decimal((bytes / 100_000) as i64, 1, locale.lang());
    let describe = move |estimate: Option<StorageEstimate>| {
        let state = match estimate {
            // WebKitGTK and pages outside a secure context have no `navigator.storage`.
            None => view! { <p>{move || locale.t(Msg::StorageUnknown)}</p> }.into_any(),
            Some(estimate) => {
                let usage = megabytes(estimate.usage);
                let quota = megabytes(estimate.quota);
                view! {
                <p>{locale.fill(phrase::StorageUsage { usage: &usage, quota: &quota })}</p>
                    <p>{move || locale.t(if estimate.persisted { Msg::StoragePersisted } else { Msg::StorageNotPersisted })}</p>
                }
                .into_any()
            }
        };
        let protected = estimate.is_some_and(|estimate| estimate.persisted);
        view! {
            {state}
            {(!protected).then(|| view! {
                <p class="field-hint">{move || locale.t(Msg::StorageEviction)}</p>
            })}
            {(estimate.is_some() && !protected).then(|| view! {
                <button type="button" class="button" aria-busy=move || protect.pending().get().to_string()
                    disabled=move || protect.pending().get()
                    on:click=move |_| { protect.dispatch(()); }>
                    {move || locale.t(Msg::ProtectStorage)}
                </button>
            })}
        }
    };
    view! {
        <section class="card settings-section">
            <h2>{move || locale.t(Msg::StorageSection)}</h2>
            <Suspense fallback=move || view! { <p>{move || locale.t(Msg::Loading)}</p> }>
                {move || estimate.get().map(describe)}
            </Suspense>
            {answer}
        </section>
    }
}

#[component]
fn BackupSection() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let notices = use_notices();
    let replace = RwSignal::new(false);
    let problem = RwSignal::new(None::<Worded>);
    let busy = RwSignal::new(false);
    // Nothing to back up or restore into until the workspace is open.
    let unavailable = move || busy.get() || !workspace.is_ready();
    let report = move |text: String| notices.show(Notice { text, undo: None });
    let save_backup = backup_saver();

    let save_backup = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            match workspace.backup().await {
                Ok(backup) => save_backup(&backup),
                Err(error) => report(locale.t(store_error_msg(&error)).into()),
            }
            busy.set(false);
        });
    };
    let restore = move |ev: web_sys::Event| {
        let Some(file) = chosen_file(&ev) else { return };
        let replace = replace.get_untracked();
        leptos::task::spawn_local(async move {
            let parsed = read_text(&file)
                .await
                .map_err(|error| locale.read_error(&error))
                .and_then(|text| Backup::parse(&text).map_err(|e| locale.backup_error(&e)));
            let backup = match parsed {
                Ok(backup) => backup,
                Err(message) => {
                    problem.set(Some(message));
                    return;
                }
            };
            problem.set(None);
            if replace
                && !window()
                    .confirm_with_message(locale.t(Msg::RestoreConfirm))
                    .unwrap_or(false)
            {
                return;
            }
            busy.set(true);
            match workspace.restore_backup(&backup, replace).await {
                Ok(count) => report(locale.count(Counted::RestoreDone, count)),
                Err(error) => report(locale.t(store_error_msg(&error)).into()),
            }
            busy.set(false);
        });
    };
    let mode = move |value: bool, msg: Msg| {
        view! {
            <label class="choice">
                <input type="radio" name="restore-mode" prop:checked=move || replace.get() == value
                    on:change=move |_| replace.set(value) />
                {move || locale.t(msg)}
            </label>
        }
    };
    view! {
        <section class="card settings-section">
            <h2>{move || locale.t(Msg::BackupSection)}</h2>
            <p class="field-hint">{move || locale.t(Msg::BackupHint)}</p>
            <button type="button" class="button" disabled=unavailable on:click=save_backup>
                {move || locale.t(Msg::DownloadBackup)}
            </button>
            <fieldset class="restore-mode">
                <legend class="field-label">{move || locale.t(Msg::RestoreMode)}</legend>
                {mode(false, Msg::RestoreMerge)}
                {mode(true, Msg::RestoreReplace)}
            </fieldset>
            <label class="field file-field">
                <span class="field-label">{move || locale.t(Msg::RestoreBackup)}</span>
                <input type="file" accept=".json,application/json" disabled=unavailable on:change=restore />
            </label>
            <FailureText failure=problem />
        </section>
    }
}
