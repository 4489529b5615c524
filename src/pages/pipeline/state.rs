//! What the pipeline page knows: the chosen pipeline, the filters, moves on their way to the
//! store, and the derived board, all shared by the board, table, forecast and dialogs.

use super::table::SortKey;
use crate::records::pipeline::{shown_pipeline, DEFAULT_PIPELINE_ID};
use crate::ui::columns::CustomListState;
use crate::{
    i18n::use_locale,
    local_time::now_ms,
    workspace::{use_workspace, Workspace},
};
use leptos::prelude::*;
use rabet_domain::{
    custom_field::FieldOwner,
    id::Id,
    kind::EntityKind,
    model::{Deal, LeadSource, Pipeline, Stage},
    money::MoneyTotals,
    report::board::{deal_search_text, Board, BoardFilter},
    search::Query,
};
use std::collections::{hash_map::Entry, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageView {
    Board,
    Table,
}

/// The deal the form is open for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Editing {
    /// A new deal, starting in this stage (the pipeline's first open stage when `None`).
    New(Option<Id>),
    Existing(Id),
}

/// One column of the board as the view needs it: owned, so it can live in a memo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnView {
    pub stage: Stage,
    /// In card order.
    pub deals: Vec<Id>,
    pub total: MoneyTotals,
    pub weighted: MoneyTotals,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardView {
    pub columns: Vec<ColumnView>,
    /// Open deals whose stage is not an open stage of the pipeline.
    pub unplaced: Vec<Id>,
    pub total: MoneyTotals,
    pub weighted: MoneyTotals,
}

impl BoardView {
    fn from_board(board: &Board<'_>) -> Self {
        let ids = |deals: &[&Deal]| deals.iter().map(|deal| deal.id.clone()).collect();
        BoardView {
            columns: board
                .columns
                .iter()
                .map(|column| ColumnView {
                    stage: column.stage.clone(),
                    deals: ids(&column.deals),
                    total: column.total.clone(),
                    weighted: column.weighted.clone(),
                })
                .collect(),
            unplaced: ids(&board.unplaced),
            total: board.total.clone(),
            weighted: board.weighted.clone(),
        }
    }

    pub fn count(&self) -> usize {
        self.columns.iter().map(|column| column.deals.len()).sum()
    }
}

/// The soonest open task about a deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextTask {
    pub title: String,
    pub due_at: Option<i64>,
}

impl NextTask {
    /// Tasks with a due time come first, soonest first.
    fn is_before(&self, other: &NextTask) -> bool {
        (self.due_at.is_none(), self.due_at) < (other.due_at.is_none(), other.due_at)
    }
}

#[derive(Clone, Copy)]
pub struct PageState {
    /// The pipeline picked in the switcher; `None` until the user picks one.
    pub chosen: RwSignal<Option<Id>>,
    pub view: RwSignal<PageView>,
    pub owner: RwSignal<Option<Id>>,
    pub tag: RwSignal<Option<String>>,
    pub source: RwSignal<Option<LeadSource>>,
    pub query: RwSignal<String>,
    /// The table's sort column, ascending or not.
    pub sort: RwSignal<(SortKey, bool)>,
    /// The table's custom-field columns, their sort and filters.
    pub custom: CustomListState,
    /// Deals moved on the board whose save has not finished: shown moved at once, so a drop
    /// never snaps back while IndexedDB works.
    pub pending: RwSignal<HashMap<Id, Deal>>,
    /// The last deal moved: it stays rendered in its new column even past the card cap.
    pub pinned: RwSignal<Option<Id>>,
    /// A deal moved by keyboard, whose card takes focus again in its new column.
    pub refocus: RwSignal<Option<Id>>,
    pub editing: RwSignal<Option<Editing>>,
    /// The deal whose lost reason is being asked for.
    pub losing: RwSignal<Option<Id>>,
    /// Read out by screen readers (a polite live region).
    pub announcement: RwSignal<String>,
    /// When the page opened (Unix ms), for days in stage and staleness.
    pub now: i64,
    pub pipeline: Memo<Option<Pipeline>>,
    pub filter: Memo<BoardFilter>,
    pub board: Memo<BoardView>,
    pub next_tasks: Memo<HashMap<Id, NextTask>>,
}

impl PageState {
    pub fn provide() -> PageState {
        let workspace = use_workspace();
        let chosen = RwSignal::new(None::<Id>);
        let owner = RwSignal::new(None);
        let tag = RwSignal::new(None);
        let source = RwSignal::new(None);
        let query = RwSignal::new(String::new());
        let pending = RwSignal::new(HashMap::<Id, Deal>::new());

        let locale = use_locale();
        let pipeline = Memo::new(move |_| {
            let preferred = workspace.settings.with(|s| s.default_pipeline_id.clone());
            workspace.pipelines.with(|pipelines| {
                let by_id = |id: Option<Id>| id.and_then(|id| pipelines.get(&id).cloned());
                by_id(chosen.get())
                    .or_else(|| by_id(preferred))
                    .or_else(|| by_id(Some(Id::from_string(DEFAULT_PIPELINE_ID))))
                    .or_else(|| pipelines.iter().min_by_key(|p| p.id.clone()).cloned())
                    .map(|p| shown_pipeline(p, locale))
            })
        });
        let filter = Memo::new(move |_| BoardFilter {
            owner: owner.get(),
            tag: tag.get(),
            source: source.get(),
            query: Query::parse(&query.get()),
        });
        // Search texts cost a pass over every deal, so they exist only while searching (a
        // memo of "is searching" keeps keystrokes from rebuilding them).
        let searching = Memo::new(move |_| query.with(|q| !q.trim().is_empty()));
        let pipeline_id = Memo::new(move |_| pipeline.with(|p| p.as_ref().map(|p| p.id.clone())));
        let search_texts = Memo::new(move |_| {
            if !searching.get() {
                return HashMap::new();
            }
            let pipeline_id = pipeline_id.get();
            workspace.deals.with(|deals| {
                deals
                    .iter()
                    .filter(|deal| Some(&deal.pipeline_id) == pipeline_id.as_ref())
                    .map(|deal| (deal.id.clone(), search_text_of(workspace, deal)))
                    .collect::<HashMap<Id, String>>()
            })
        });
        let board = Memo::new(move |_| {
            let Some(pipeline) = pipeline.get() else {
                return BoardView::default();
            };
            let filter = filter.get();
            pending.with(|pending| {
                workspace.deals.with(|deals| {
                    search_texts.with(|texts| {
                        let current = deals
                            .iter()
                            .map(|deal| pending.get(&deal.id).unwrap_or(deal));
                        let board = Board::build(&pipeline, current, &filter, |deal: &Deal| {
                            texts.get(&deal.id).map_or("", String::as_str)
                        });
                        BoardView::from_board(&board)
                    })
                })
            })
        });
        let next_tasks = Memo::new(move |_| {
            workspace.tasks.with(|tasks| {
                let mut next: HashMap<Id, NextTask> = HashMap::new();
                for task in tasks.iter().filter(|task| !task.is_done()) {
                    let Some(link) = task.link.as_ref().filter(|l| l.kind == EntityKind::Deal)
                    else {
                        continue;
                    };
                    let candidate = NextTask {
                        title: task.title.clone(),
                        due_at: task.due_at,
                    };
                    match next.entry(link.id.clone()) {
                        Entry::Occupied(mut soonest) => {
                            if candidate.is_before(soonest.get()) {
                                soonest.insert(candidate);
                            }
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(candidate);
                        }
                    }
                }
                next
            })
        });

        let page = PageState {
            chosen,
            view: RwSignal::new(PageView::Board),
            owner,
            tag,
            source,
            query,
            sort: RwSignal::new((SortKey::Close, true)),
            custom: CustomListState::new(FieldOwner::Deal, "rabet.columns.deals"),
            pending,
            pinned: RwSignal::new(None),
            refocus: RwSignal::new(None),
            editing: RwSignal::new(None),
            losing: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            now: now_ms(),
            pipeline,
            filter,
            board,
            next_tasks,
        };
        provide_context(page);
        page
    }

    /// The deal as the board shows it: with its pending move, if any (reactive).
    pub fn deal(&self, id: &Id) -> Option<Deal> {
        let workspace = use_workspace();
        self.pending
            .with(|pending| pending.get(id).cloned())
            .or_else(|| workspace.deals.with(|deals| deals.get(id).cloned()))
    }
}

/// What a deal is found by: its title, tags, company, contact and the contact's phones.
fn search_text_of(workspace: Workspace, deal: &Deal) -> String {
    let company = deal.company_id.as_ref().and_then(|id| {
        workspace
            .companies
            .with(|c| c.get(id).map(|c| c.name.clone()))
    });
    let contact = deal.contact_id.as_ref().and_then(|id| {
        workspace.contacts.with(|c| {
            c.get(id).map(|c| {
                let phones: Vec<String> = c.phones.iter().map(|p| p.number.clone()).collect();
                (c.display_name(), phones)
            })
        })
    });
    let (contact_name, phones) = contact.unzip();
    let names = company
        .iter()
        .chain(contact_name.iter())
        .chain(deal.tags.iter())
        .map(String::as_str);
    let phones = phones.iter().flatten().map(String::as_str);
    deal_search_text(deal, names, phones)
}

pub fn use_page() -> PageState {
    expect_context::<PageState>()
}
