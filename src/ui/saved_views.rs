//! Saved views of any list (issue 17): its search, filters, sort and columns under a name,
//! personal or shared with the team (synced `SavedView` records). `<list's path>?view=<id>`
//! opens one, so a link can name it. Contacts, companies, deals, tickets and invoices all
//! pick their views here.

use crate::i18n::{phrase, use_locale, Msg};
use crate::local_time::now_ms;
use crate::ui::editing::{delete_with_undo, failure_reporter};
use crate::ui::widgets::{refused, Filter};
use crate::workspace::{use_workspace, Workspace};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use rabet_domain::kind::EntityKind;
use rabet_domain::model::{encode_state, SavedView};
use rabet_domain::sorting::sort_by;

/// What a list shows, as a saved view keeps it: query-string text
/// (see `rabet_domain::model::encode_state`).
pub trait ViewState: Copy + Send + Sync + 'static {
    /// The state now, as a saved view's text.
    fn encode(&self) -> String;
    /// Shows the state a saved view holds; what it does not name goes back to "all".
    fn apply(&self, pairs: &[(String, String)]);
}

/// A list's state as text signals, each under its key in the view's text; the empty text
/// is each one's "all" (and where a list starts): what lists whose filters are all choices
/// keep.
#[derive(Clone, Copy)]
pub struct TextState<const N: usize> {
    fields: [(&'static str, RwSignal<String>); N],
}

impl<const N: usize> TextState<N> {
    pub fn new(keys: [&'static str; N]) -> Self {
        TextState {
            fields: keys.map(|key| (key, RwSignal::new(String::new()))),
        }
    }

    /// The signal under `key`, one of those the list declared.
    pub fn get(&self, key: &str) -> RwSignal<String> {
        self.fields
            .iter()
            .find(|(named, _)| *named == key)
            .map(|(_, signal)| *signal)
            .unwrap_or_else(|| panic!("a list's state has no key {key}"))
    }

    /// Every value (tracked): what a list's selection watches.
    pub fn values(&self) -> [String; N] {
        self.fields.map(|(_, signal)| signal.get())
    }
}

impl<const N: usize> ViewState for TextState<N> {
    fn encode(&self) -> String {
        let values = self
            .fields
            .map(|(key, signal)| (key, signal.get_untracked()));
        encode_state(values.iter().map(|(key, value)| (*key, value.as_str())))
    }

    fn apply(&self, pairs: &[(String, String)]) {
        for (key, signal) in self.fields {
            let value = pairs.iter().find(|(named, _)| named == key);
            signal.set(value.map(|(_, value)| value.clone()).unwrap_or_default());
        }
    }
}

/// Two parts of one list's state (its own and its custom fields' columns), saved as one
/// view: each part reads its own keys.
impl<A: ViewState, B: ViewState> ViewState for (A, B) {
    fn encode(&self) -> String {
        let (first, second) = (self.0.encode(), self.1.encode());
        match (first.is_empty(), second.is_empty()) {
            (_, true) => first,
            (true, false) => second,
            (false, false) => format!("{first}&{second}"),
        }
    }

    fn apply(&self, pairs: &[(String, String)]) {
        self.0.apply(pairs);
        self.1.apply(pairs);
    }
}

/// What the naming form is for.
#[derive(Clone, Debug, PartialEq)]
enum Naming {
    New,
    Rename(SavedView),
}

/// The saved views of the list `list` (a `SavedView::list` name) shown at `path`, whose
/// "no view" option is `all`.
#[component]
pub fn ViewPicker<S: ViewState>(
    state: S,
    list: &'static str,
    path: &'static str,
    all: Msg,
) -> impl IntoView {
    let locale = use_locale();
    let workspace = use_workspace();
    let report = failure_reporter();
    let navigate = use_navigate();
    let query = use_query_map();
    let refused = refused(Some(EntityKind::SavedView));
    let chosen_id = Memo::new(move |_| query.with(|q| q.get("view")).filter(|id| !id.is_empty()));
    let chosen = Memo::new(move |_| {
        let id = chosen_id.get()?;
        workspace
            .saved_views
            .with(|views| views.find(&id).filter(|view| view.list == list).cloned())
    });
    let views = Memo::new(move |_| {
        let me = workspace.member.get();
        let mut views: Vec<SavedView> = workspace.saved_views.with(|views| {
            views
                .iter()
                .filter(|view| view.list == list && view.visible_to(me.as_deref()))
                .cloned()
                .collect()
        });
        sort_by(&mut views, |a, b| a.name.cmp(&b.name));
        views
    });
    // Shows a view once the URL names it and it is in memory (a link may open the page
    // before the workspace has loaded); not again when the view itself is saved.
    Effect::new(move |applied: Option<Option<String>>| {
        let view = chosen.get()?;
        let id = view.id.to_string();
        if applied.flatten().as_deref() == Some(id.as_str()) {
            return Some(id);
        }
        state.apply(&view.pairs());
        Some(id)
    });
    let open = {
        let navigate = navigate.clone();
        move |id: Option<String>| {
            let path = match id {
                // A path may name a part of its page already (`/customers?tab=companies`).
                Some(id) if path.contains('?') => format!("{path}&view={id}"),
                Some(id) => format!("{path}?view={id}"),
                None => path.to_owned(),
            };
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    };
    let pick = {
        let open = open.clone();
        move |ev| {
            let id = event_target_value(&ev);
            if id.is_empty() {
                state.apply(&[]);
                open(None);
            } else {
                open(Some(id));
            }
        }
    };

    let naming = RwSignal::new(None::<Naming>);
    let name = RwSignal::new(String::new());
    let shared = RwSignal::new(false);
    let start = move |purpose: Naming| {
        let (text, is_shared) = match &purpose {
            Naming::New => (String::new(), false),
            Naming::Rename(view) => (view.name.clone(), view.shared),
        };
        name.set(text);
        shared.set(is_shared);
        naming.set(Some(purpose));
    };
    let save = {
        let open = open.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(purpose) = naming.get_untracked() else {
                return;
            };
            let (before, after) = named_view(
                workspace,
                purpose,
                &name.get_untracked(),
                shared.get_untracked(),
                (list, state.encode()),
            );
            let open = open.clone();
            leptos::task::spawn_local(async move {
                let id = after.id.to_string();
                match workspace.save(before.as_ref(), after).await {
                    Ok(()) => {
                        naming.set(None);
                        open(Some(id));
                    }
                    Err(error) => report(&error),
                }
            });
        }
    };
    let update = move |_| {
        let Some(view) = chosen.get_untracked() else {
            return;
        };
        let after = SavedView {
            state: state.encode(),
            ..view.clone()
        };
        leptos::task::spawn_local(async move {
            if let Err(error) = workspace.save(Some(&view), after).await {
                report(&error);
            }
        });
    };
    let delete = {
        let open = open.clone();
        move |_| {
            if let Some(view) = chosen.get_untracked() {
                let open = open.clone();
                let name = view.name.clone();
                delete_with_undo(view, name, move || open(None));
            }
        }
    };
    let cannot = move || refused.get().is_some();

    view! {
        <div class="view-picker">
            <Filter label=Msg::KindSavedView>
                <select on:change=pick prop:value=move || chosen_id.get().unwrap_or_default()>
                    <option value="">{move || locale.t(all)}</option>
                    <For each=move || views.get() key=|view| (view.id.clone(), view.name.clone(), view.shared) let:view>
                        <option value=view.id.to_string() selected=move || chosen_id.get().as_deref() == Some(&*view.id.as_str())>
                            {if view.shared {
                                locale.fill(phrase::SharedView { name: &view.name })
                            } else {
                                view.name.clone()
                            }}
                        </option>
                    </For>
                </select>
            </Filter>
            <button type="button" class="button" disabled=cannot on:click=move |_| start(Naming::New)>
                {move || locale.t(Msg::SaveView)}
            </button>
            <Show when=move || chosen.with(Option::is_some)>
                <button type="button" class="button" disabled=cannot on:click=update>
                    {move || locale.t(Msg::UpdateView)}
                </button>
                <button type="button" class="button" disabled=cannot on:click=move |_| {
                    if let Some(view) = chosen.get_untracked() {
                        start(Naming::Rename(view));
                    }
                }>
                    {move || locale.t(Msg::RenameView)}
                </button>
                <button type="button" class="button danger" disabled=cannot on:click=delete.clone()>
                    {move || locale.t(Msg::DeleteView)}
                </button>
            </Show>
            <Show when=move || naming.with(Option::is_some)>
                <form class="view-naming" on:submit=save.clone()>
                    <Filter label=Msg::ViewName>
                        <input type="text" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </Filter>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || shared.get() on:change=move |ev| shared.set(event_target_checked(&ev)) />
                        {move || locale.t(Msg::ViewShared)}
                    </label>
                    <button type="submit" class="button primary" disabled=move || name.with(|n| n.trim().is_empty())>
                        {move || locale.t(Msg::Save)}
                    </button>
                    <button type="button" class="button subtle" on:click=move |_| naming.set(None)>
                        {move || locale.t(Msg::Cancel)}
                    </button>
                </form>
            </Show>
        </div>
    }
}

/// The view the naming form saves: a new one of `list` holding its `state` now, or the
/// renamed one (`before` is what it was).
fn named_view(
    workspace: Workspace,
    purpose: Naming,
    name: &str,
    shared: bool,
    (list, state): (&str, String),
) -> (Option<SavedView>, SavedView) {
    let name = name.trim().to_owned();
    match purpose {
        Naming::New => (
            None,
            SavedView {
                id: Workspace::new_id(),
                name,
                list: list.to_owned(),
                state,
                shared,
                member_id: workspace.member.get_untracked().unwrap_or_default(),
                created_at: now_ms(),
            },
        ),
        Naming::Rename(view) => {
            let after = SavedView {
                name,
                shared,
                ..view.clone()
            };
            (Some(view), after)
        }
    }
}
