//! The pipeline's saved views (issue 17): the pipeline, board or table, the filters and the
//! table's sort, kept as a `SavedView` of the list `deals`.

use super::state::{PageState, PageView};
use super::table::SortKey;
use crate::ui::saved_views::ViewState;
use leptos::prelude::*;
use rabet_domain::{
    id::Id,
    model::{encode_state, LeadSource},
};

impl ViewState for PageState {
    fn encode(&self) -> String {
        let pipeline = self
            .chosen
            .get_untracked()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let owner = self
            .owner
            .get_untracked()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let tag = self.tag.get_untracked().unwrap_or_default();
        let source = self.source.get_untracked().map_or("", LeadSource::as_str);
        let view = match self.view.get_untracked() {
            PageView::Board => "board",
            PageView::Table => "table",
        };
        let (sort, ascending) = self.sort.get_untracked();
        let query = self.query.get_untracked();
        encode_state([
            ("pipeline", pipeline.as_str()),
            ("show", view),
            ("q", query.as_str()),
            ("owner", owner.as_str()),
            ("tag", tag.as_str()),
            ("source", source),
            ("sort", sort.key()),
            ("order", if ascending { "" } else { "desc" }),
        ])
    }

    fn apply(&self, pairs: &[(String, String)]) {
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(named, _)| named == key)
                .map(|(_, value)| value.as_str())
                .filter(|value| !value.is_empty())
        };
        // A view of a pipeline deleted since shows the one the page would show anyway.
        if let Some(pipeline) = value("pipeline").and_then(Id::find) {
            self.chosen.set(Some(pipeline));
        }
        self.view.set(match value("show") {
            Some("table") => PageView::Table,
            _ => PageView::Board,
        });
        self.query.set(value("q").unwrap_or_default().to_owned());
        self.owner.set(value("owner").and_then(Id::find));
        self.tag.set(value("tag").map(str::to_owned));
        self.source.set(value("source").and_then(LeadSource::parse));
        let sort = value("sort")
            .and_then(SortKey::parse)
            .unwrap_or(SortKey::Close);
        self.sort.set((sort, value("order") != Some("desc")));
    }
}
