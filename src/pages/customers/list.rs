//! The customers list: instant search, filters and sort over every contact in memory, drawn
//! as a window of rows so 100k contacts scroll as smoothly as ten.

use super::form::{CompanyForm, ContactForm};
use crate::i18n::phrase;
use crate::ui::bulk::{Bulk, BulkBar, RowCheck, SelectAll, StateChoice};
use crate::ui::columns::{
    CustomColumnValues, CustomListControls, CustomListState, FieldSortOptions, FieldSortSelect,
};
use crate::ui::custom_fields::{reading, shown_definitions};
use crate::ui::intent::{on_intent, Intent};
use crate::ui::saved_views::{TextState, ViewPicker, ViewState};
use crate::ui::widgets::{refused, FilterSelect, RefusedNote};
use crate::{
    download::{file_saver, vcards_text, VcardExport, VCARD_MIME},
    i18n::{source_msg, stage_msg, use_locale, Counted, Locale, Msg},
    icons::Icon,
    ui::widgets::{Filter, SearchBox},
    ui::{
        format::{member_name, PhoneNumber},
        PageHeader,
    },
    workspace::{use_workspace, Collection, LoadState, Workspace},
};
use leptos::{either::Either, prelude::*};
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use rabet_domain::kind::EntityKind;
use rabet_domain::{
    csv,
    custom_field::FieldOwner,
    export::{contacts_csv, CustomColumns},
    id::Id,
    model::{encode_state, Company, Contact, LeadSource, LifecycleStage},
    search::{normalize, Query},
};
use std::collections::{BTreeSet, HashMap};

/// Height of one row in pixels; `.virtual-row` in the stylesheet has the same.
const ROW_HEIGHT: f64 = 60.0;
/// Rows drawn above and below the visible ones, so fast scrolling shows no blank gap.
const OVERSCAN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    People,
    Companies,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SortOrder {
    Name,
    Newest,
    Oldest,
}

impl SortOrder {
    const ALL: [(SortOrder, Msg, &'static str); 3] = [
        (SortOrder::Name, Msg::SortName, "name"),
        (SortOrder::Newest, Msg::SortNewest, "newest"),
        (SortOrder::Oldest, Msg::SortOldest, "oldest"),
    ];

    fn key(self) -> &'static str {
        SortOrder::ALL
            .iter()
            .find(|(order, _, _)| *order == self)
            .map_or("name", |(_, _, key)| key)
    }

    fn parse(key: &str) -> Option<SortOrder> {
        SortOrder::ALL
            .iter()
            .find(|(_, _, known)| *known == key)
            .map(|(order, _, _)| *order)
    }
}

/// What the people list shows: its search, filters and sort, as a saved view keeps them.
#[derive(Clone, Copy)]
struct ListState {
    query: RwSignal<String>,
    stage: RwSignal<String>,
    source: RwSignal<String>,
    tag: RwSignal<String>,
    owner: RwSignal<String>,
    sort: RwSignal<SortOrder>,
}

impl ListState {
    fn new() -> ListState {
        ListState {
            query: RwSignal::new(String::new()),
            stage: RwSignal::new(String::new()),
            source: RwSignal::new(String::new()),
            tag: RwSignal::new(String::new()),
            owner: RwSignal::new(String::new()),
            sort: RwSignal::new(SortOrder::Name),
        }
    }

    fn texts(&self) -> [(&'static str, RwSignal<String>); 5] {
        [
            ("q", self.query),
            ("stage", self.stage),
            ("source", self.source),
            ("tag", self.tag),
            ("owner", self.owner),
        ]
    }
}

impl ViewState for ListState {
    fn encode(&self) -> String {
        let texts = self
            .texts()
            .map(|(key, value)| (key, value.get_untracked()));
        let sort = self.sort.get_untracked().key();
        encode_state(
            texts
                .iter()
                .map(|(key, value)| (*key, value.as_str()))
                .chain([("sort", sort)]),
        )
    }

    fn apply(&self, pairs: &[(String, String)]) {
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(named, _)| named == key)
                .map(|(_, value)| value.clone())
        };
        for (key, signal) in self.texts() {
            signal.set(value(key).unwrap_or_default());
        }
        self.sort.set(
            value("sort")
                .and_then(|key| SortOrder::parse(&key))
                .unwrap_or(SortOrder::Name),
        );
    }
}

/// The list's filters; `None` means "all".
#[derive(Clone, Debug, Default, PartialEq)]
struct Filters {
    stage: Option<LifecycleStage>,
    source: Option<LeadSource>,
    tag: Option<String>,
    owner: Option<Id>,
}

impl Filters {
    fn admit(&self, contact: &Contact) -> bool {
        self.stage
            .is_none_or(|stage| contact.lifecycle_stage == stage)
            && self
                .source
                .is_none_or(|source| contact.source == Some(source))
            && self
                .tag
                .as_ref()
                .is_none_or(|tag| contact.tags.contains(tag))
            && self
                .owner
                .as_ref()
                .is_none_or(|owner| contact.owner_id.as_ref() == Some(owner))
    }
}

#[component]
pub fn Customers() -> impl IntoView {
    let locale = use_locale();
    // A link to a companies' view names the tab (`?tab=companies`).
    let linked = use_query_map().with_untracked(|q| q.get("tab"));
    let (tab, set_tab) = signal(match linked.as_deref() {
        Some("companies") => Tab::Companies,
        _ => Tab::People,
    });
    let (creating, set_creating) = signal(false);
    let navigate = use_navigate();
    let tab_button = move |which: Tab, label: Msg| {
        let navigate = navigate.clone();
        let open = move |_| {
            set_tab.set(which);
            // A view in the address is the other tab's list: the address names the tab only.
            let path = match which {
                Tab::People => "/customers",
                Tab::Companies => "/customers?tab=companies",
            };
            let options = NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            };
            navigate(path, options);
        };
        view! {
            <button
                type="button"
                class="segment"
                aria-pressed=move || (tab.get() == which).to_string()
                on:click=open
            >
                {move || locale.t(label)}
            </button>
        }
    };
    let refused = refused(Some(EntityKind::Contact));
    on_intent(Intent::NewContact, move || {
        set_tab.set(Tab::People);
        set_creating.set(true);
    });
    let new_label = move || match tab.get() {
        Tab::People => locale.t(Msg::NewContact),
        Tab::Companies => locale.t(Msg::NewCompany),
    };

    view! {
        <div class="list-page">
            <PageHeader title=Msg::NavCustomers intro=Msg::CustomersIntro />
            <RefusedNote kind=EntityKind::Contact />
            <div class="toolbar">
                <div class="segmented" role="group" aria-label=move || locale.t(Msg::CustomerKind)>
                    {tab_button(Tab::People, Msg::People)}
                    {tab_button(Tab::Companies, Msg::Companies)}
                </div>
                <div class="toolbar-actions">
                    <A href="/segments" attr:class="button">{move || locale.t(Msg::NavSegments)}</A>
                    <A href="/customers/import" attr:class="button">{move || locale.t(Msg::Import)}</A>
                    <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| set_creating.set(true)>
                        {new_label}
                    </button>
                </div>
            </div>
            {move || match tab.get() {
                Tab::People => Either::Left(view! { <PeopleList /> }),
                Tab::Companies => Either::Right(view! { <CompanyList /> }),
            }}
            <Show when=move || creating.get()>
                {move || {
                    let done = Callback::new(move |_| set_creating.set(false));
                    match tab.get_untracked() {
                        Tab::People => Either::Left(view! { <ContactForm initial=None on_done=done /> }),
                        Tab::Companies => Either::Right(view! { <CompanyForm initial=None on_done=done /> }),
                    }
                }}
            </Show>
        </div>
    }
}

#[component]
fn PeopleList() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = ListState::new();
    let ListState {
        query,
        stage,
        source,
        tag,
        owner,
        sort,
    } = state;
    let custom = CustomListState::new(FieldOwner::Contact, "rabet.columns.contacts");

    let filters = Memo::new(move |_| Filters {
        stage: LifecycleStage::parse(&stage.get()),
        source: LeadSource::parse(&source.get()),
        tag: Some(tag.get()).filter(|t| !t.is_empty()),
        owner: Some(owner.get())
            .filter(|o| !o.is_empty())
            .and_then(|o| Id::find(&o)),
    });
    // Sorting is the costly step, so it reruns only when the records or the order change;
    // typing in the search box just filters this order.
    let sorted = Memo::new(move |_| {
        let order = sort.get();
        let by_field = custom.sort_key();
        workspace.contacts.with(|contacts| match &by_field {
            Some(key) => contacts.positions_by(|c| key(&c.custom)),
            None => sorted_positions(contacts, order),
        })
    });
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        let filters = filters.get();
        let admits_custom = custom.admits();
        workspace.contacts.with(|contacts| {
            let matching = contacts.matching(&query);
            sorted.with(|order| {
                order
                    .iter()
                    .copied()
                    .filter(|&at| {
                        let contact = contacts.at(at);
                        matching.at(at) && filters.admit(contact) && admits_custom(&contact.custom)
                    })
                    .collect::<Vec<usize>>()
            })
        })
    });
    let bulk = Bulk::<Contact>::new(visible, move || {
        (query.get(), filters.get(), custom.filter_key())
    });
    let stage_options = Signal::derive(move || {
        LifecycleStage::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), locale.t(stage_msg(*s)).to_owned()))
            .collect()
    });
    let stage_choice = StateChoice {
        label: Msg::LifecycleStage,
        button: Msg::BulkSetStage,
        options: stage_options,
        named: Callback::new(|key: String| LifecycleStage::parse(&key)),
        asks: None,
    };
    let source_options = Signal::derive(move || {
        LeadSource::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), locale.t(source_msg(*s)).to_owned()))
            .collect()
    });
    let tag_options = Signal::derive(move || {
        workspace.contacts.with(|contacts| {
            let tags: BTreeSet<&String> = contacts.iter().flat_map(|c| &c.tags).collect();
            tags.into_iter().map(|t| (t.clone(), t.clone())).collect()
        })
    });
    let owner_options = owner_options();
    let sort_select = move |ev| {
        let chosen = event_target_value(&ev);
        if !custom.choose_sort(&chosen) {
            if let Some(order) = SortOrder::parse(&chosen) {
                sort.set(order);
            }
        }
    };
    let company_names = Memo::new(move |_| {
        workspace.companies.with(|companies| {
            companies
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect::<HashMap<Id, String>>()
        })
    });
    let total = move || workspace.contacts.with(Collection::len);
    // The contacts' custom fields, a column each.
    let export_columns = Memo::new(move |_| (shown_definitions(FieldOwner::Contact), reading()));
    let save_file = file_saver();
    let export = move |_| {
        let (fields, reading) = export_columns.get_untracked();
        let text = workspace.contacts.with_untracked(|contacts| {
            visible.with_untracked(|v| {
                let columns = CustomColumns {
                    fields: &fields,
                    reading,
                };
                contacts_csv_text(workspace, v.iter().map(|&at| contacts.at(at)), columns)
            })
        });
        save_file("contacts.csv", "text/csv;charset=utf-8", &text);
    };
    let export_chosen = move |()| {
        let (fields, reading) = export_columns.get_untracked();
        let columns = CustomColumns {
            fields: &fields,
            reading,
        };
        let text = bulk
            .with_chosen(|chosen| contacts_csv_text(workspace, chosen.iter().copied(), columns));
        save_file("contacts.csv", "text/csv;charset=utf-8", &text);
    };
    let export_vcard = move |version| {
        workspace.contacts.with_untracked(|contacts| {
            visible.with_untracked(|v| {
                let shown = v.iter().map(|&at| contacts.at(at));
                let text = vcards_text(workspace, shown, version);
                save_file("contacts.vcf", VCARD_MIME, &text);
            })
        });
    };

    view! {
        <div class="bulk-scope" class:selecting=move || bulk.selecting()>
        <ViewPicker state=(state, custom) list="contacts" path="/customers" all=Msg::AllContactsView />
        <div class="filters">
            <SearchBox query placeholder=Msg::SearchHint />
            <FilterSelect label=Msg::LifecycleStage options=stage_options value=stage />
            <FilterSelect label=Msg::LeadSource options=source_options value=source />
            <FilterSelect label=Msg::Tags options=tag_options value=tag />
            <FilterSelect label=Msg::Owner options=owner_options value=owner />
            <Filter label=Msg::SortBy>
                <select on:change=sort_select prop:value=move || custom.sort_value().unwrap_or_else(|| sort.get().key().to_owned())>
                    {SortOrder::ALL
                        .iter()
                        .map(|(_, msg, key)| view! { <option value=*key>{move || locale.t(*msg)}</option> })
                        .collect_view()}
                    <FieldSortOptions state=custom />
                </select>
            </Filter>
            <CustomListControls state=custom />
            <button type="button" class="button" on:click=export>{move || locale.t(Msg::ExportCsv)}</button>
            <VcardExport save=export_vcard />
        </div>
        <div class="list-head">
            <SelectAll bulk />
            <p class="list-count" aria-live="polite">
                {move || {
                    let shown = locale.number(visible.with(Vec::len));
                    let all = locale.number(total());
                    locale.fill(phrase::ShownOfTotal { shown: &shown, total: &all })
                }}
            </p>
        </div>
        <BulkBar bulk export=export_chosen state=stage_choice />
        <ListBody
            len=Signal::derive(move || visible.with(Vec::len))
            id_at=move |at| {
                let position = visible.with(|v| v[at]);
                workspace.contacts.with(|c| c.at(position).id.clone())
            }
            empty=Signal::derive(move || empty_message(workspace.contacts.with(Collection::is_empty), Msg::EmptyContacts))
            row=move |id: Id| {
                // Tracked: a contact changed here or in another tab shows at once.
                let contact = workspace.contacts.with(|c| c.get(&id).cloned());
                contact.map(|contact| {
                    let company = contact
                        .company_id
                        .as_ref()
                        .and_then(|id| company_names.with_untracked(|names| names.get(id).cloned()))
                        .unwrap_or_default();
                    let name = contact.display_name();
                    view! {
                        <RowCheck bulk id=id.clone() name />
                        <ContactRow contact=contact company=company custom=custom />
                    }
                })
            }
        />
        </div>
    }
}

/// Contacts as CSV, with their companies and owners named and a column per custom field.
fn contacts_csv_text<'a>(
    workspace: Workspace,
    shown: impl Iterator<Item = &'a Contact> + Clone,
    columns: CustomColumns<'_>,
) -> String {
    workspace.companies.with_untracked(|companies| {
        workspace.members.with_untracked(|members| {
            contacts_csv(
                shown,
                &|id| companies.get(id).map(|c| c.name.clone()),
                &|id| members.get(id).map(|m| m.display_name().to_owned()),
                Some(columns),
            )
        })
    })
}

/// What an empty list says: still loading, nothing stored yet, or nothing matching.
fn empty_message(none_stored: bool, nothing_yet: Msg) -> Msg {
    let workspace = use_workspace();
    match workspace.state.get() {
        LoadState::Loading => Msg::Loading,
        _ if none_stored => nothing_yet,
        _ => Msg::NoMatches,
    }
}

fn sorted_positions(contacts: &Collection<Contact>, order: SortOrder) -> Vec<usize> {
    match order {
        SortOrder::Name => contacts.positions_by(|c| normalize(&c.display_name())),
        SortOrder::Newest => contacts.positions_by(|c| std::cmp::Reverse(c.created_at)),
        SortOrder::Oldest => contacts.positions_by(|c| c.created_at),
    }
}

#[component]
fn ContactRow(contact: Contact, company: String, custom: CustomListState) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/customers/{}", contact.id);
    let stage = contact.lifecycle_stage;
    let phone = contact.primary_phone().unwrap_or_default().to_owned();
    let email = contact.primary_email().unwrap_or_default().to_owned();
    let tags = contact.tags.join(" · ");
    view! {
        <A href=href attr:class="row-link">
            <span class="row-main">
                <bdi class="row-title">{contact.display_name()}</bdi>
                <bdi class="row-sub">{company}</bdi>
            </span>
            <span class="row-contact">
                <bdi class="row-sub" dir="ltr" data-user="">{email}</bdi>
            </span>
            <span class="row-meta">
                <span class=format!("badge stage-{}", stage.as_str())>{move || locale.t(stage_msg(stage))}</span>
                <bdi class="row-sub">{tags}</bdi>
                <CustomColumnValues state=custom values=contact.custom.clone() />
            </span>
        </A>
        <CallLink phone />
    }
}

/// The row's phone number as a link that calls it: beside the row's own link, not inside it,
/// and left to right in either language. Without a number, an empty cell of the same width
/// keeps the rows' columns lined up.
#[component]
fn CallLink(phone: String) -> impl IntoView {
    if phone.is_empty() {
        return Either::Left(view! { <span class="row-call"></span> });
    }
    let href = format!("tel:{}", phone.split_whitespace().collect::<String>());
    Either::Right(view! {
        <a class="row-call" href=href>
            {Icon::Phone.view()}
            <PhoneNumber number=phone />
        </a>
    })
}

#[component]
fn CompanyList() -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let state = TextState::new(["q", "tag", "owner"]);
    let [query, tag, owner] = ["q", "tag", "owner"].map(|key| state.get(key));
    let custom = CustomListState::new(FieldOwner::Company, "rabet.columns.companies");
    let people = Memo::new(move |_| {
        workspace.contacts.with(|contacts| {
            let mut counts: HashMap<Id, usize> = HashMap::new();
            for id in contacts.iter().filter_map(|c| c.company_id.clone()) {
                *counts.entry(id).or_default() += 1;
            }
            counts
        })
    });
    let sorted = Memo::new(move |_| {
        let by_field = custom.sort_key();
        workspace.companies.with(|companies| match &by_field {
            Some(key) => companies.positions_by(|c| key(&c.custom)),
            None => companies.positions_by(|c| normalize(&c.name)),
        })
    });
    let visible = Memo::new(move |_| {
        let query = Query::parse(&query.get());
        let tag = tag.get();
        let owner = owner.with(|o| Id::find(o).filter(|_| !o.is_empty()));
        let admits_custom = custom.admits();
        workspace.companies.with(|companies| {
            let matching = companies.matching(&query);
            sorted.with(|order| {
                order
                    .iter()
                    .copied()
                    .filter(|&at| {
                        let company = companies.at(at);
                        matching.at(at)
                            && (tag.is_empty() || company.tags.contains(&tag))
                            && (owner.is_none() || company.owner_id == owner)
                            && admits_custom(&company.custom)
                    })
                    .collect::<Vec<usize>>()
            })
        })
    });
    let bulk = Bulk::<Company>::new(visible, move || (state.values(), custom.filter_key()));
    let tag_options = Signal::derive(move || {
        workspace.companies.with(|companies| {
            let tags: BTreeSet<&String> = companies.iter().flat_map(|c| &c.tags).collect();
            tags.into_iter().map(|t| (t.clone(), t.clone())).collect()
        })
    });
    let save_file = file_saver();
    let export = move |()| {
        let text = bulk.with_chosen(|chosen| companies_csv(locale, chosen));
        save_file("companies.csv", "text/csv;charset=utf-8", &text);
    };
    view! {
        <div class="bulk-scope" class:selecting=move || bulk.selecting()>
        <ViewPicker state=(state, custom) list="companies" path="/customers?tab=companies" all=Msg::AllCompaniesView />
        <div class="filters">
            <SearchBox query placeholder=Msg::SearchHint />
            <FilterSelect label=Msg::Tags options=tag_options value=tag />
            <FilterSelect label=Msg::Owner options=owner_options() value=owner />
            <FieldSortSelect state=custom own=Msg::SortName />
            <CustomListControls state=custom />
        </div>
        <div class="list-head">
            <SelectAll bulk />
        </div>
        <BulkBar bulk export />
        <ListBody
            len=Signal::derive(move || visible.with(Vec::len))
            id_at=move |at| {
                let position = visible.with(|v| v[at]);
                workspace.companies.with(|c| c.at(position).id.clone())
            }
            empty=Signal::derive(move || empty_message(workspace.companies.with(Collection::is_empty), Msg::EmptyCompanies))
            row=move |id: Id| {
                // Tracked: a company changed here or in another tab shows at once.
                let company = workspace.companies.with(|c| c.get(&id).cloned());
                company.map(|company| {
                    let count = people.with_untracked(|p| p.get(&company.id).copied().unwrap_or(0));
                    let name = company.name.clone();
                    view! {
                        <RowCheck bulk id=id.clone() name />
                        <CompanyRow company=company people=count custom />
                    }
                })
            }
        />
        </div>
    }
}

/// The team's members as a filter's options, by id.
fn owner_options() -> Signal<Vec<(String, String)>> {
    let workspace = use_workspace();
    Signal::derive(move || {
        workspace.members.with(|members| {
            members
                .iter()
                .map(|m| (m.id.to_string(), m.display_name().to_owned()))
                .collect()
        })
    })
}

/// The chosen companies as CSV: name, industry, website, phone, owner, tags.
fn companies_csv(locale: Locale, companies: &[&Company]) -> String {
    let headers = [
        Msg::CompanyName,
        Msg::Industry,
        Msg::Website,
        Msg::Phone,
        Msg::Owner,
        Msg::Tags,
    ]
    .map(|msg| locale.t(msg));
    let rows = companies.iter().map(|company| {
        let owner = member_name(company.owner_id.as_ref());
        [
            company.name.clone(),
            company.industry.clone(),
            company.website.clone(),
            company
                .phones
                .first()
                .map(|p| p.number.clone())
                .unwrap_or_default(),
            owner,
            company.tags.join(", "),
        ]
    });
    csv::write(&headers, rows)
}

#[component]
fn CompanyRow(company: Company, people: usize, custom: CustomListState) -> impl IntoView {
    let locale = use_locale();
    let href = format!("/customers/{}", company.id);
    let phone = company
        .phones
        .first()
        .map(|p| p.number.clone())
        .unwrap_or_default();
    view! {
        <A href=href attr:class="row-link">
            <span class="row-main">
                <bdi class="row-title">{company.name.clone()}</bdi>
                <bdi class="row-sub">{company.industry.clone()}</bdi>
            </span>
            <span class="row-contact">
                <bdi class="row-sub" dir="ltr" data-user="">{company.website.clone()}</bdi>
            </span>
            <span class="row-meta">
                <span class="badge">{move || locale.count(Counted::People, people)}</span>
                <CustomColumnValues state=custom values=company.custom.clone() />
            </span>
        </A>
        <CallLink phone />
    }
}

/// The scrolling list: only the rows in view (plus a margin) exist in the page.
#[component]
fn ListBody<I, R, V>(len: Signal<usize>, id_at: I, empty: Signal<Msg>, row: R) -> impl IntoView
where
    I: Fn(usize) -> Id + Copy + Send + Sync + 'static,
    R: Fn(Id) -> Option<V> + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let (scroll_top, set_scroll_top) = signal(0.0_f64);
    let (viewport, set_viewport) = signal(900.0_f64);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            set_scroll_top.set(el.scroll_top() as f64);
            set_viewport.set(el.client_height() as f64);
        }
    };
    Effect::new(move |_| {
        // Re-measure once mounted and whenever the list changes (its height may have too).
        len.track();
        measure();
    });
    let window_rows = Memo::new(move |_| {
        let total = len.get();
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        (first..total.min(first + count))
            .map(|at| (at, id_at(at)))
            .collect::<Vec<_>>()
    });

    view! {
        <Show
            when=move || { len.get() > 0 }
            fallback=move || view! { <p class="empty">{move || locale.t(empty.get())}</p> }
        >
            <div class="virtual-list" node_ref=scroller on:scroll=move |_| measure()>
                <ul
                    class="virtual-inner"
                    style:block-size=move || format!("{}px", len.get() as f64 * ROW_HEIGHT)
                >
                    <For each=move || window_rows.get() key=|(at, id)| (*at, id.clone()) let:((at, id))>
                        <li
                            class="virtual-row"
                            style:transform=format!("translateY({}px)", at as f64 * ROW_HEIGHT)
                            aria-setsize=move || len.get().to_string()
                            aria-posinset=(at + 1).to_string()
                        >
                            // Drawn again when the record it shows changes (the key is its
                            // place and id, not its contents).
                            {move || row(id.clone())}
                        </li>
                    </For>
                </ul>
            </div>
        </Show>
    }
}
