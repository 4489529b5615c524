//! Importing contacts from a CSV or vCard file: pick the file, check the column mapping
//! (guessed from English or Persian headers) against a preview, import with progress, then
//! see every row that was not imported, with its line and reason, and download them to fix.

use crate::i18n::phrase;
use crate::{
    download::file_saver,
    file::{chosen_file, read_text},
    i18n::{store_error_msg, use_locale, Counted, Msg, Worded},
    notice::{use_notices, Notice},
    store::{Phases, SAVE_MANY_CHUNK},
    ui::{
        custom_fields::{reading, shown_definitions},
        format::PhoneNumber,
        widgets::FailureText,
        PageHeader,
    },
    workspace::{use_workspace, Ids, Workspace},
};
use leptos::prelude::*;
use leptos_router::components::A;
use rabet_domain::{
    csv::{self, Table},
    custom_field::{FieldDefinition, FieldOwner, Reading},
    dedupe::merge,
    id::Id,
    import::{
        guess_custom_columns, guess_mapping, import_part, import_vcards, rejected_csv,
        ContactField, ImportContext, ImportOutcome,
    },
    model::Contact,
    vcard::{self, SkippedProperty, VCardImport},
};
use std::sync::Arc;

/// The contacts' custom fields columns may be mapped to, and how their values are read.
type CustomColumns = Memo<(Vec<FieldDefinition>, Reading)>;

/// Rows the preview imports to show what the mapping gives.
const PREVIEW_ROWS: usize = 5;
/// Duplicates listed one by one; the rest are handled all at once.
const LISTED_DUPLICATES: usize = 50;

/// The file being imported, as read.
#[derive(Clone, Debug)]
enum Source {
    Csv(Table),
    VCard(VCardImport),
}

impl Source {
    fn read(name: &str, text: &str) -> Result<Source, csv::CsvError> {
        let looks_like_vcard = name.to_lowercase().ends_with(".vcf")
            || text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .to_uppercase()
                .starts_with("BEGIN:VCARD");
        if looks_like_vcard {
            Ok(Source::VCard(vcard::parse(text)))
        } else {
            csv::parse(text).map(Source::Csv)
        }
    }

    fn rows(&self) -> usize {
        match self {
            Source::Csv(table) => table.rows.len(),
            Source::VCard(parsed) => parsed.cards.len() + parsed.errors.len(),
        }
    }

    /// vCard properties left out because they could not be decoded.
    fn skipped(&self) -> Vec<SkippedProperty> {
        match self {
            Source::Csv(_) => Vec::new(),
            Source::VCard(parsed) => parsed.skipped.clone(),
        }
    }

    fn headers(&self) -> Vec<String> {
        match self {
            Source::Csv(table) => table.headers.clone(),
            Source::VCard(_) => Vec::new(),
        }
    }
}

/// An import's context: the workspace's current companies, team and contacts (for matching
/// names and finding duplicates) and the custom fields columns may fill.
fn import_context<'a>(
    workspace: Workspace,
    next_id: &'a mut dyn FnMut() -> Id,
    custom: CustomColumns,
) -> ImportContext<'a> {
    let now = js_sys::Date::now() as i64;
    workspace.contacts.with_untracked(|contacts| {
        workspace.companies.with_untracked(|companies| {
            workspace.members.with_untracked(|members| {
                ImportContext::new(
                    next_id,
                    now,
                    None,
                    companies.as_slice(),
                    members.as_slice(),
                    contacts.as_slice(),
                )
                .with_custom_fields(
                    custom.with_untracked(|(fields, _)| fields.clone()),
                    custom.with_untracked(|c| c.1),
                )
            })
        })
    })
}

/// What the first rows of `source` become with `mapping`.
fn preview(
    workspace: Workspace,
    source: &Source,
    mapping: &[Option<ContactField>],
    custom: CustomColumns,
) -> ImportOutcome {
    let mut next_id = Workspace::new_id;
    let mut ctx = import_context(workspace, &mut next_id, custom);
    match source {
        Source::Csv(table) => {
            let first = &table.rows[..table.rows.len().min(PREVIEW_ROWS)];
            import_part(table, first, mapping, &mut ctx)
        }
        Source::VCard(parsed) => import_vcards(parsed, &mut ctx),
    }
}

/// The rows of `source` checked a part at a time (as many as the store saves at once), each
/// part when asked for: an import checks the next part while the one before is saved. A
/// vCard file is one part.
fn checked_parts<'a>(
    source: &'a Source,
    mapping: &'a [Option<ContactField>],
    ctx: &'a mut ImportContext<'_>,
) -> Box<dyn Iterator<Item = ImportOutcome> + 'a> {
    match source {
        Source::Csv(table) => Box::new(
            table
                .rows
                .chunks(SAVE_MANY_CHUNK)
                .map(move |rows| import_part(table, rows, mapping, ctx)),
        ),
        Source::VCard(parsed) => Box::new(std::iter::once_with(move || import_vcards(parsed, ctx))),
    }
}

/// What happened, shown after an import.
#[derive(Clone, Debug)]
struct Report {
    imported: usize,
    headers: Vec<String>,
    outcome: ImportOutcome,
    skipped: Vec<SkippedProperty>,
}

#[component]
pub fn ImportContacts() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let source = RwSignal::new(None::<Arc<Source>>);
    let mapping = RwSignal::new(Vec::<Option<ContactField>>::new());
    let read_error = RwSignal::new(None::<Worded>);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let report = RwSignal::new(None::<Report>);
    let failure = RwSignal::new(None::<Msg>);
    let custom: CustomColumns =
        Memo::new(move |_| (shown_definitions(FieldOwner::Contact), reading()));

    let choose = move |ev: web_sys::Event| {
        let Some(file) = chosen_file(&ev) else { return };
        report.set(None);
        leptos::task::spawn_local(async move {
            let read = read_text(&file)
                .await
                .map_err(|error| locale.read_error(&error))
                .and_then(|text| {
                    Source::read(&file.name(), &text).map_err(|error| locale.csv_error(&error))
                });
            match read {
                Ok(read) => {
                    if let Source::Csv(table) = &read {
                        let mut guessed = guess_mapping(&table.headers);
                        custom.with_untracked(|(fields, _)| {
                            guess_custom_columns(&table.headers, fields, &mut guessed)
                        });
                        mapping.set(guessed);
                    }
                    read_error.set(None);
                    source.set(Some(Arc::new(read)));
                }
                Err(message) => {
                    read_error.set(Some(message));
                    source.set(None);
                }
            }
        });
    };

    let start = move |_| {
        let Some(file) = source.get_untracked() else {
            return;
        };
        let chosen = mapping.get_untracked();
        let total = file.rows();
        failure.set(None);
        progress.set(Some((0, total)));
        leptos::task::spawn_local(async move {
            let mut phases = Phases::new(total);
            let mut next_id = Workspace::new_id;
            let mut ctx = import_context(workspace, &mut next_id, custom);
            // Saved, then shown from memory: the report keeps only what was not imported.
            let mut outcome = ImportOutcome::default();
            let parts = checked_parts(&file, &chosen, &mut ctx).map(|mut part| {
                let counts = part.rows();
                let companies = std::mem::take(&mut part.new_companies);
                let contacts = std::mem::take(&mut part.contacts);
                outcome.absorb(part);
                (companies, contacts, counts)
            });
            let saved = workspace
                .save_imported(parts, |done| progress.set(Some((done, total))))
                .await;
            phases.end("import: rows checked and saved");
            progress.set(None);
            match saved {
                Ok(imported) => {
                    source.set(None);
                    report.set(Some(Report {
                        imported,
                        headers: file.headers(),
                        outcome,
                        skipped: file.skipped(),
                    }));
                }
                Err(error) => failure.set(Some(store_error_msg(&error))),
            }
        });
    };

    view! {
        <PageHeader title=Msg::ImportTitle intro=Msg::ImportIntro />
        <section class="card import">
            <label class="field file-field">
                <span class="field-label">{move || locale.t(Msg::ChooseFile)}</span>
                <input type="file" accept=".csv,.tsv,.txt,.vcf,text/csv,text/vcard" on:change=choose />
            </label>
            <FailureText failure=read_error />
            {move || source.with(|s| s.as_ref().map(|s| s.rows() == 0)).unwrap_or(false)
                .then(|| view! { <p role="alert">{move || locale.t(Msg::FileEmpty)}</p> })}
            {move || view! { <SkippedProperties skipped=source.with(|s| s.as_deref().map(Source::skipped).unwrap_or_default()) /> }}
        </section>
        {move || source.with(|s| matches!(s.as_deref(), Some(Source::Csv(_)))).then(|| view! { <Mapping source=source mapping=mapping custom=custom /> })}
        {move || source.with(Option::is_some).then(|| view! { <PreviewRows source=source mapping=mapping custom=custom /> })}
        {move || {
            let rows = source.with(|s| s.as_deref().map(Source::rows).unwrap_or(0));
            (rows > 0).then(|| {
                let busy = move || progress.get().is_some();
                view! {
                    <div class="import-actions">
                        <button type="button" class="button primary" disabled=busy on:click=start>
                            {move || locale.count(Counted::ImportRows, rows)}
                        </button>
                    </div>
                }
            })
        }}
        {move || progress.get().map(|(done, total)| view! {
            <div class="import-progress">
                <progress
                    max=total.max(1).to_string()
                    value=done.to_string()
                    aria-label=move || locale.t(Msg::ImportProgress)
                ></progress>
                <span>{locale.fill(phrase::Importing { done: &locale.number(done), total: &locale.number(total) })}</span>
            </div>
        })}
        <p class="form-failure" role="alert">{move || failure.get().map(|m| locale.t(m))}</p>
        {move || report.get().map(|report| view! { <ImportReport report=report /> })}
    }
}

/// The vCard properties that could not be decoded, each with its line; their cards are
/// imported without them.
#[component]
fn SkippedProperties(skipped: Vec<SkippedProperty>) -> impl IntoView {
    let locale = use_locale();
    (!skipped.is_empty()).then(|| {
        let count = skipped.len();
        let items = skipped
            .into_iter()
            .map(|property| view! { <li>{move || locale.skipped_property(&property)}</li> })
            .collect_view();
        view! {
            <p>{move || locale.count(Counted::DetailsSkipped, count)}</p>
            <ul>{items}</ul>
        }
    })
}

/// The column mapping: one row per column of the file, with examples and a choice.
#[component]
fn Mapping(
    source: RwSignal<Option<Arc<Source>>>,
    mapping: RwSignal<Vec<Option<ContactField>>>,
    custom: CustomColumns,
) -> impl IntoView {
    let locale = use_locale();
    let columns = move || {
        source.with(|s| match s.as_deref() {
            Some(Source::Csv(table)) => table
                .headers
                .iter()
                .enumerate()
                .map(|(column, header)| {
                    let examples: Vec<String> = table
                        .rows
                        .iter()
                        .map(|row| row.get(column).trim().to_owned())
                        .filter(|value| !value.is_empty())
                        .take(3)
                        .collect();
                    (column, header.clone(), examples.join(" · "))
                })
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    // Every choice: the contact's own fields, then its custom fields by their labels.
    let choices = move || {
        let custom_fields = custom.with(|(fields, _)| {
            fields
                .iter()
                .enumerate()
                .map(|(index, field)| {
                    (
                        ContactField::Custom(index),
                        Some(field.label(locale.lang()).to_owned()),
                    )
                })
                .collect::<Vec<_>>()
        });
        ContactField::ALL
            .iter()
            .map(|field| (*field, None))
            .chain(custom_fields)
            .collect::<Vec<_>>()
    };
    let option_key = |field: ContactField| match field {
        ContactField::Custom(index) => format!("custom-{index}"),
        field => ContactField::ALL
            .iter()
            .position(|f| *f == field)
            .unwrap_or(0)
            .to_string(),
    };
    let chosen_field = |key: &str| match key.strip_prefix("custom-") {
        Some(index) => index.parse().ok().map(ContactField::Custom),
        None => key
            .parse::<usize>()
            .ok()
            .and_then(|at| ContactField::ALL.get(at).copied()),
    };
    view! {
        <section class="card">
            <h2>{move || locale.t(Msg::ColumnMapping)}</h2>
            <p class="field-hint">{move || locale.t(Msg::ColumnMappingHint)}</p>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || locale.t(Msg::FileColumn)}</th>
                            <th scope="col">{move || locale.t(Msg::Examples)}</th>
                            <th scope="col">{move || locale.t(Msg::ImportsAs)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || columns().into_iter().map(|(column, header, examples)| {
                            let current = move || mapping.with(|m| m.get(column).copied().flatten());
                            let header_label = header.clone();
                            view! {
                                <tr>
                                    <th scope="row"><bdi>{header}</bdi></th>
                                    <td class="examples"><bdi>{examples}</bdi></td>
                                    <td>
                                        <select
                                            aria-label=move || format!("{}: {}", locale.t(Msg::ImportsAs), header_label)
                                            on:change=move |ev| {
                                                let chosen = chosen_field(&event_target_value(&ev));
                                                mapping.update(|m| {
                                                    if m.len() <= column {
                                                        m.resize(column + 1, None);
                                                    }
                                                    m[column] = chosen.filter(|f| *f != ContactField::Ignore);
                                                });
                                            }
                                        >
                                            {choices().into_iter().map(|(field, label)| {
                                                let selected = move || current().unwrap_or(ContactField::Ignore) == field;
                                                view! {
                                                    <option value=option_key(field) selected=selected>
                                                        {move || label.clone().unwrap_or_else(|| locale.contact_field(field))}
                                                    </option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// What the first rows become with the current mapping.
#[component]
fn PreviewRows(
    source: RwSignal<Option<Arc<Source>>>,
    mapping: RwSignal<Vec<Option<ContactField>>>,
    custom: CustomColumns,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let preview = Memo::new(move |_| {
        // The preview follows the custom fields and how their values are read.
        custom.track();
        source.with(|s| {
            s.as_deref()
                .map(|s| mapping.with(|m| preview(workspace, s, m, custom)))
        })
    });
    view! {
        <section class="card">
            <h2>{move || locale.t(Msg::Preview)}</h2>
            {move || preview.get().map(|outcome| view! {
                <div class="table-scroll" role="region" tabindex="0" aria-label=move || locale.t(Msg::Preview)>
                    <ContactTable contacts=outcome.contacts.clone() />
                </div>
                <RejectedTable outcome=outcome />
            })}
        </section>
    }
}

#[component]
fn ContactTable(contacts: Vec<Contact>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    <th scope="col">{move || locale.t(Msg::FullName)}</th>
                    <th scope="col">{move || locale.t(Msg::Phone)}</th>
                    <th scope="col">{move || locale.t(Msg::Email)}</th>
                    <th scope="col">{move || locale.t(Msg::Tags)}</th>
                </tr>
            </thead>
            <tbody>
                {contacts.into_iter().map(|c| view! {
                    <tr>
                        <td><bdi>{c.display_name()}</bdi></td>
                        <td><PhoneNumber number=c.primary_phone().unwrap_or_default().to_owned() /></td>
                        <td dir="ltr">{c.primary_email().unwrap_or_default().to_owned()}</td>
                        <td><bdi>{c.tags.join(", ")}</bdi></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Rows that were not imported, each with its line and reasons.
#[component]
fn RejectedTable(outcome: ImportOutcome) -> impl IntoView {
    let locale = use_locale();
    (!outcome.rejected.is_empty()).then(|| {
        let count = outcome.rejected.len();
        view! {
            <p class="form-failure">{move || locale.count(Counted::ImportRejected, count)}</p>
            <div
                class="table-scroll"
                role="region"
                tabindex="0"
                aria-label=move || locale.count(Counted::ImportRejected, count)
            >
                <table class="data-table rejected">
                    <thead>
                        <tr>
                            <th scope="col">{move || locale.t(Msg::Line)}</th>
                            <th scope="col">{move || locale.t(Msg::Reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {outcome.rejected.iter().map(|row| {
                            let line = row.line;
                            let reasons = row.reasons.clone();
                            view! {
                                <tr>
                                    <td>{move || locale.number(line)}</td>
                                    <td>{move || reasons.iter().map(|r| locale.reject_reason(r)).collect::<Vec<_>>().join("; ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

/// The result of an import: counts, rejected rows (downloadable) and duplicates to resolve.
#[component]
fn ImportReport(report: Report) -> impl IntoView {
    let locale = use_locale();
    let imported = report.imported;
    let empty = report.outcome.empty_lines.len();
    let save_file = file_saver();
    let download_rejected = {
        let outcome = report.outcome.clone();
        let headers = report.headers.clone();
        move |_| {
            let text = rejected_csv(&outcome, &headers, &|reason| locale.reject_reason(reason));
            save_file("rejected-rows.csv", "text/csv;charset=utf-8", &text);
        }
    };
    let has_rejected = !report.outcome.rejected.is_empty();
    view! {
        <section class="card import-report" aria-live="polite">
            <p class="import-done">{move || locale.count(Counted::ImportDone, imported)}</p>
            {(empty > 0).then(|| view! { <p>{move || locale.count(Counted::ImportEmptyLines, empty)}</p> })}
            <RejectedTable outcome=report.outcome.clone() />
            <SkippedProperties skipped=report.skipped.clone() />
            {has_rejected.then(|| view! {
                <button type="button" class="button" on:click=download_rejected>{move || locale.t(Msg::DownloadRejected)}</button>
            })}
            <Duplicates rows=report.outcome.duplicates.clone() />
            <p><A href="/customers">{move || locale.t(Msg::BackToCustomers)}</A></p>
        </section>
    }
}

/// Rows that look like known contacts: import each anyway, or merge it into its match.
#[component]
fn Duplicates(rows: Vec<rabet_domain::import::DuplicateRow>) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let notices = use_notices();
    let pending = RwSignal::new(rows);
    let resolve = move |line: usize| pending.update(|rows| rows.retain(|r| r.line != line));
    let report_error = move |error| {
        notices.show(Notice {
            text: locale.t(store_error_msg(&error)).into(),
            undo: None,
        })
    };
    let import_all = move |_| {
        let contacts: Vec<Contact> =
            pending.with_untracked(|rows| rows.iter().map(|r| r.contact.clone()).collect());
        leptos::task::spawn_local(async move {
            match workspace.save_many(contacts, Ids::Fresh, |_| {}).await {
                Ok(()) => pending.set(Vec::new()),
                Err(error) => report_error(error),
            }
        });
    };
    move || {
        let count = pending.with(Vec::len);
        let more = count.saturating_sub(LISTED_DUPLICATES);
        (count > 0).then(|| view! {
            <p>{move || locale.count(Counted::ImportDuplicates, count)}</p>
            <button type="button" class="button" on:click=import_all>
                {move || locale.count(Counted::ImportAllAnyway, count)}
            </button>
            <ul class="plain duplicates">
                <For each=move || pending.with(|rows| rows.iter().take(LISTED_DUPLICATES).cloned().collect::<Vec<_>>()) key=|row| row.line let:row>
                    {
                        let target = row.matches.first().and_then(|(id, _)| workspace.contacts.with_untracked(|c| c.get(id).cloned()));
                        let line = row.line;
                        let incoming = row.contact.clone();
                        let import_anyway = {
                            let incoming = incoming.clone();
                            move |_| {
                                let incoming = incoming.clone();
                                leptos::task::spawn_local(async move {
                                    match workspace.save(None, incoming).await {
                                        Ok(()) => resolve(line),
                                        Err(error) => report_error(error),
                                    }
                                });
                            }
                        };
                        let merge_button = target.map(|existing| {
                            let name = existing.display_name();
                            let label = name.clone();
                            let incoming = incoming.clone();
                            let merge_into = move |_| {
                                let merged = merge(&existing, &incoming);
                                let (existing, name) = (existing.clone(), name.clone());
                                leptos::task::spawn_local(async move {
                                    match workspace.save(Some(&existing), merged).await {
                                        Ok(()) => {
                                            resolve(line);
                                            notices.show(Notice { text: locale.fill(phrase::Merged { name: &name }), undo: None });
                                        }
                                        Err(error) => report_error(error),
                                    }
                                });
                            };
                            view! { <button type="button" class="button" on:click=merge_into>{move || locale.fill(phrase::MergeInto { name: &label })}</button> }
                        });
                        view! {
                            <li class="duplicate">
                                <span>{move || format!("{} {}", locale.t(Msg::Line), locale.number(line))}</span>
                                <bdi class="row-title">{incoming.display_name()}</bdi>
                                <button type="button" class="button" on:click=import_anyway>{move || locale.t(Msg::ImportAnyway)}</button>
                                {merge_button}
                            </li>
                        }
                    }
                </For>
            </ul>
            {(more > 0).then(|| view! { <p>{move || locale.fill(phrase::AndMore { count: &locale.number(more) })}</p> })}
        })
    }
}
