//! Creating and editing contacts and companies, in a modal dialog.
//!
//! The form edits a draft copy; validation errors show next to their field, and a failed save
//! (full disk, aborted transaction) shows why while every typed value stays in the form.

use crate::i18n::phrase;
use crate::{
    i18n::{email_label_msg, phone_label_msg, source_msg, stage_msg, use_locale, Msg},
    local_time::now_ms,
    ui::{
        custom_fields::{CustomEdits, CustomFieldInputs},
        draft::Draft,
        field_error::{first_error, FieldError},
        inputs::{MemberSelect, TagsField},
        widgets::{enum_select, FormDialog, IdSelect, TextField},
    },
    workspace::{use_workspace, Listed, Workspace},
};
use leptos::prelude::*;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    custom_field::HasCustomFields,
    id::Id,
    input::{parse_tags, tags_input_text},
    model::{
        Address, Company, Contact, Email, EmailLabel, LeadSource, LifecycleStage, Phone, PhoneLabel,
    },
    validate::Validate,
};

/// A record a form edits: its free-text parts shared by contacts and companies.
pub trait FormRecord: Listed + Validate + HasCustomFields {
    fn tags(&self) -> &Vec<String>;
    fn tags_mut(&mut self) -> &mut Vec<String>;
    fn notes(&self) -> &String;
    fn notes_mut(&mut self) -> &mut String;
    fn address(&self) -> &Address;
    fn address_mut(&mut self) -> &mut Address;
    /// Trims, drops blank list rows and normalizes phones and e-mails before validation.
    fn normalize_for_save(&mut self);
    /// A new record, made now.
    fn fresh() -> Self;
}

macro_rules! form_record {
    ($record:ty) => {
        impl FormRecord for $record {
            fn tags(&self) -> &Vec<String> {
                &self.tags
            }
            fn tags_mut(&mut self) -> &mut Vec<String> {
                &mut self.tags
            }
            fn notes(&self) -> &String {
                &self.notes
            }
            fn notes_mut(&mut self) -> &mut String {
                &mut self.notes
            }
            fn address(&self) -> &Address {
                &self.address
            }
            fn address_mut(&mut self) -> &mut Address {
                &mut self.address
            }
            fn normalize_for_save(&mut self) {
                self.normalize();
            }
            fn fresh() -> Self {
                Self {
                    id: Workspace::new_id(),
                    created_at: now_ms(),
                    ..Self::default()
                }
            }
        }
    };
}
form_record!(Contact);
form_record!(Company);

/// The draft of `initial` (or of a new record), and what stays text until saved: its tags
/// and its custom fields.
fn party_draft<E: FormRecord>(initial: Option<E>) -> (Draft<E>, RwSignal<String>, CustomEdits) {
    let draft = Draft::new(initial, E::fresh);
    let tags = RwSignal::new(draft.record.with_untracked(|r| tags_input_text(r.tags())));
    let custom = draft.record.with_untracked(CustomEdits::new);
    (draft, tags, custom)
}

/// Saves the record with the tags and custom fields as typed, normalized; then closes the
/// form. A custom field that does not read keeps the form open with the reason beside it.
fn save<E: FormRecord>(
    draft: Draft<E>,
    tags: RwSignal<String>,
    custom: CustomEdits,
    on_done: Callback<()>,
) {
    let mut record = draft.record.get_untracked();
    *record.tags_mut() = parse_tags(&tags.get_untracked());
    if !custom.apply(&mut record) {
        draft.refuse(Vec::new());
        return;
    }
    record.normalize_for_save();
    draft.submit(record, move |_| on_done.run(()));
}

/// Tags, address, city, custom fields and notes: the part of the form contacts and companies
/// share.
#[component]
fn CommonFields<E: FormRecord>(
    form: Draft<E>,
    tags: RwSignal<String>,
    custom: CustomEdits,
) -> impl IntoView {
    let locale = use_locale();
    let (line_get, line_set) = form.text(|r| &r.address().line, |r, v| r.address_mut().line = v);
    let (city_get, city_set) = form.text(|r| &r.address().city, |r, v| r.address_mut().city = v);
    let draft = form.record;
    view! {
        <div class="form-grid">
            <TagsField id="tags" text=tags />
            <TextField label=Msg::Address id="address_line" get=line_get set=line_set />
            <TextField label=Msg::City id="address_city" get=city_get set=city_set />
        </div>
        <CustomFieldInputs owner=E::OWNER edits=custom />
        <div class="field">
            <label class="field-label" for="notes">{move || locale.t(Msg::Notes)}</label>
            <textarea id="notes" rows="3"
                prop:value=move || draft.with(|r| r.notes().clone())
                on:input=move |ev| draft.update(|r| *r.notes_mut() = event_target_value(&ev))></textarea>
        </div>
    }
}

#[component]
pub fn ContactForm(initial: Option<Contact>, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let (form, tags, custom) = party_draft(initial);
    let draft = form.record;
    let title = form.title(Msg::NewContact, Msg::EditContact);
    let (first_get, first_set) = form.text(|c| &c.first_name, |c, v| c.first_name = v);
    let (last_get, last_set) = form.text(|c| &c.last_name, |c, v| c.last_name = v);
    let (title_get, title_set) = form.text(|c| &c.job_title, |c, v| c.job_title = v);
    let (wa_get, wa_set) = form.text(|c| &c.whatsapp, |c, v| c.whatsapp = v);
    let (tg_get, tg_set) = form.text(|c| &c.telegram, |c, v| c.telegram = v);
    let companies = move || {
        workspace.companies.with(|companies| {
            let mut all: Vec<(Id, String)> = companies
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
            sort_by(&mut all, |a, b| a.1.cmp(&b.1));
            all
        })
    };

    view! {
        <FormDialog
            title=title
            on_submit=Callback::new(move |_| save(form, tags, custom, on_done))
            on_cancel=on_done
            saving=form.saving()
            failure=form.failure
            kind=form.kind()
        >
            <div class="form-grid">
                <TextField label=Msg::FirstName id="first_name" get=first_get set=first_set autofocus=true
                    error=form.error("first_name") />
                <TextField label=Msg::LastName id="last_name" get=last_get set=last_set
                    error=form.error("last_name") />
                <IdSelect
                    label=Msg::Company
                    id="company_id"
                    none=Msg::NoCompany
                    options=Signal::derive(companies)
                    current=Signal::derive(move || draft.with(|c| c.company_id.clone()))
                    set=move |id| draft.update(|c| c.company_id = id)
                />
                <TextField label=Msg::JobTitle id="job_title" get=title_get set=title_set />
            </div>
            <EntryList draft=draft errors=form.errors entries=|c: &Contact| &c.phones entries_mut=|c: &mut Contact| &mut c.phones />
            <EntryList draft=draft errors=form.errors entries=|c: &Contact| &c.emails entries_mut=|c: &mut Contact| &mut c.emails />
            <div class="form-grid">
                <TextField label=Msg::WhatsApp id="whatsapp" get=wa_get set=wa_set kind="tel"
                    error=form.error("whatsapp") />
                <TextField label=Msg::Telegram id="telegram" get=tg_get set=tg_set />
                <div class="field">
                    <label class="field-label" for="lifecycle_stage">{move || locale.t(Msg::LifecycleStage)}</label>
                    {enum_select(
                        "lifecycle_stage",
                        LifecycleStage::ALL,
                        LifecycleStage::as_str,
                        stage_msg,
                        move || Some(draft.with(|c| c.lifecycle_stage)),
                        move |stage| if let Some(stage) = stage {
                            draft.update(|c| c.set_lifecycle_stage(stage, js_sys::Date::now() as i64));
                        },
                        None,
                    )}
                </div>
                <div class="field">
                    <label class="field-label" for="source">{move || locale.t(Msg::LeadSource)}</label>
                    {enum_select(
                        "source",
                        LeadSource::ALL,
                        LeadSource::as_str,
                        source_msg,
                        move || draft.with(|c| c.source),
                        move |source| draft.update(|c| c.source = source),
                        Some(Msg::Unknown),
                    )}
                </div>
                <MemberSelect
                    label=Msg::Owner
                    id="owner_id"
                    none=Msg::Unassigned
                    current=Signal::derive(move || draft.with(|c| c.owner_id.clone()))
                    set=move |id| draft.update(|c| c.owner_id = id)
                />
            </div>
            <label class="check">
                <input type="checkbox" id="do_not_contact" prop:checked=move || draft.with(|c| c.do_not_contact)
                    on:change=move |ev| draft.update(|c| c.do_not_contact = event_target_checked(&ev)) />
                {move || locale.t(Msg::DoNotContact)}
            </label>
            <CommonFields form=form tags=tags custom=custom />
        </FormDialog>
    }
}

/// A repeatable labelled value of a record: a phone number or an e-mail address.
trait Entry: Clone + Default + Send + Sync + 'static {
    type Label: Copy + PartialEq + Send + Sync + 'static;
    /// The stored name of the list field, which validation errors refer to.
    const FIELD: &'static str;
    const TITLE: Msg;
    const ADD: Msg;
    const INPUT_TYPE: &'static str;
    const LABELS: &'static [Self::Label];
    fn label(&self) -> Self::Label;
    fn set_label(&mut self, label: Self::Label);
    fn value(&self) -> &str;
    fn set_value(&mut self, value: String);
    fn label_key(label: Self::Label) -> &'static str;
    fn label_msg(label: Self::Label) -> Msg;
}

/// Phones and e-mails are entries alike but for their names: `entry!(record type, label type,
/// value field, FIELD, TITLE, ADD, INPUT_TYPE, the label's words)`.
macro_rules! entry {
    ($entry:ty, $label:ty, $value:ident, $field:literal, $title:ident, $add:ident, $input:literal, $label_msg:path) => {
        impl Entry for $entry {
            type Label = $label;
            const FIELD: &'static str = $field;
            const TITLE: Msg = Msg::$title;
            const ADD: Msg = Msg::$add;
            const INPUT_TYPE: &'static str = $input;
            const LABELS: &'static [$label] = <$label>::ALL;
            fn label(&self) -> $label {
                self.label
            }
            fn set_label(&mut self, label: $label) {
                self.label = label;
            }
            fn value(&self) -> &str {
                &self.$value
            }
            fn set_value(&mut self, value: String) {
                self.$value = value;
            }
            fn label_key(label: $label) -> &'static str {
                label.as_str()
            }
            fn label_msg(label: $label) -> Msg {
                $label_msg(label)
            }
        }
    };
}
entry!(
    Phone,
    PhoneLabel,
    number,
    "phones",
    Phones,
    AddPhone,
    "tel",
    phone_label_msg
);
entry!(
    Email,
    EmailLabel,
    address,
    "emails",
    Emails,
    AddEmail,
    "email",
    email_label_msg
);

/// Edits a list of entries: a row per entry (kind and value) and a button to add one.
#[component]
fn EntryList<R, E>(
    draft: RwSignal<R>,
    errors: RwSignal<Vec<FieldError>>,
    /// The record's list of entries this editor shows.
    entries: fn(&R) -> &Vec<E>,
    entries_mut: fn(&mut R) -> &mut Vec<E>,
) -> impl IntoView
where
    R: Send + Sync + 'static,
    E: Entry,
{
    let locale = use_locale();
    let count = move || draft.with(|r| entries(r).len()).max(1);
    let row = move |at: usize| {
        let input_id = format!("{}-{at}", E::FIELD);
        let error = first_error(errors, E::FIELD, Some(at));
        let error_id = format!("{input_id}-error");
        let value = move || {
            draft.with(|r| {
                entries(r)
                    .get(at)
                    .map(|e| e.value().to_owned())
                    .unwrap_or_default()
            })
        };
        let set_value = move |value: String| {
            draft.update(|r| {
                let entries = entries_mut(r);
                if entries.len() <= at {
                    entries.resize(at + 1, E::default());
                }
                entries[at].set_value(value);
            })
        };
        let current_label = move || draft.with(|r| entries(r).get(at).map(E::label));
        let number = at + 1;
        view! {
            <div class="entry-row">
                <select
                    aria-label=move || locale.fill(phrase::NumberedLabel { label: locale.t(Msg::Kind), number: &locale.number(number) })
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some(label) = E::LABELS.iter().copied().find(|l| E::label_key(*l) == chosen) {
                            draft.update(|r| {
                                let entries = entries_mut(r);
                                if entries.len() <= at {
                                    entries.resize(at + 1, E::default());
                                }
                                entries[at].set_label(label);
                            });
                        }
                    }
                >
                    {E::LABELS.iter().copied().map(|label| view! {
                        <option value=E::label_key(label) selected=move || current_label() == Some(label)>
                            {move || locale.t(E::label_msg(label))}
                        </option>
                    }).collect_view()}
                </select>
                <input
                    id=input_id
                    type=E::INPUT_TYPE
                    dir="ltr"
                    aria-label=move || locale.fill(phrase::NumberedLabel { label: locale.t(E::TITLE), number: &locale.number(number) })
                    prop:value=value
                    on:input=move |ev| set_value(event_target_value(&ev))
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                />
                <button
                    type="button"
                    class="button subtle"
                    aria-label=move || format!("{} {} {}", locale.t(Msg::Remove), locale.t(E::TITLE), locale.number(number))
                    on:click=move |_| draft.update(|r| {
                        if at < entries(r).len() {
                            entries_mut(r).remove(at);
                        }
                    })
                >
                    "×"
                </button>
                <span class="field-error" id=error_id role="alert">
                    {move || error.get().map(|e| e.describe(locale))}
                </span>
            </div>
        }
    };
    view! {
        <fieldset class="entries">
            <legend class="field-label">{move || locale.t(E::TITLE)}</legend>
            {move || (0..count()).map(row).collect_view()}
            <button
                type="button"
                class="button subtle"
                on:click=move |_| draft.update(|r| {
                    let entries = entries_mut(r);
                    let rows = entries.len().max(1);
                    entries.resize(rows + 1, E::default());
                })
            >
                {move || locale.t(E::ADD)}
            </button>
        </fieldset>
    }
}

#[component]
pub fn CompanyForm(initial: Option<Company>, on_done: Callback<()>) -> impl IntoView {
    let (form, tags, custom) = party_draft(initial);
    let draft = form.record;
    let title = form.title(Msg::NewCompany, Msg::EditCompany);
    let (name_get, name_set) = form.text(|c| &c.name, |c, v| c.name = v);
    let (industry_get, industry_set) = form.text(|c| &c.industry, |c, v| c.industry = v);
    let (web_get, web_set) = form.text(|c| &c.website, |c, v| c.website = v);
    view! {
        <FormDialog
            title=title
            on_submit=Callback::new(move |_| save(form, tags, custom, on_done))
            on_cancel=on_done
            saving=form.saving()
            failure=form.failure
            kind=form.kind()
        >
            <div class="form-grid">
                <TextField label=Msg::CompanyName id="company_name" get=name_get set=name_set autofocus=true
                    error=form.error("name") />
                <TextField label=Msg::Industry id="industry" get=industry_get set=industry_set />
                <TextField label=Msg::Website id="website" get=web_get set=web_set kind="url" />
            </div>
            <EntryList draft=draft errors=form.errors entries=|c: &Company| &c.phones entries_mut=|c: &mut Company| &mut c.phones />
            <EntryList draft=draft errors=form.errors entries=|c: &Company| &c.emails entries_mut=|c: &mut Company| &mut c.emails />
            <CommonFields form=form tags=tags custom=custom />
        </FormDialog>
    }
}
