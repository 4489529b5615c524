//! Moving a deal between stages from the board: shown at once, saved through the workspace
//! (as operations), recorded on the deal's stage history, and announced to screen readers.

use super::state::PageState;
use crate::i18n::phrase;
use crate::{
    i18n::{store_error_msg, use_locale},
    local_time::now_ms,
    notice::{use_notices, Notice},
    ui::editing::remembered_member,
    workspace::use_workspace,
};
use leptos::prelude::*;
use rabet_domain::{id::Id, model::DealStatus, report::board::move_deal};

/// How the user asked for the move; a keyboard move keeps focus on the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovedBy {
    Pointer,
    Keyboard,
}

/// Moves deal `deal_id` to stage `stage_id` of the page's pipeline. A lost stage needs a
/// non-blank `lost_reason` (the callers ask for one first).
pub fn move_to_stage(
    page: PageState,
    deal_id: &Id,
    stage_id: &Id,
    lost_reason: Option<&str>,
    by: MovedBy,
) {
    let workspace = use_workspace();
    let locale = use_locale();
    let notices = use_notices();
    let Some(pipeline) = page.pipeline.get_untracked() else {
        return;
    };
    let Some(stored) = workspace.deals.with_untracked(|d| d.get(deal_id).cloned()) else {
        return;
    };
    let current = page
        .pending
        .with_untracked(|p| p.get(deal_id).cloned())
        .unwrap_or_else(|| stored.clone());
    // Nobody signs in, so the member this device last worked as stands for "me".
    let author = remembered_member();
    let Ok(moved) = move_deal(&pipeline, &current, stage_id, lost_reason, author, now_ms()) else {
        return;
    };
    if moved == current {
        return;
    }
    let stage = pipeline
        .stage(stage_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let title = moved.title.clone();
    let announcement = match moved.status {
        DealStatus::Open => locale.fill(phrase::MovedTo {
            deal: &title,
            stage: &stage,
        }),
        DealStatus::Won => locale.fill(phrase::MarkedWon { deal: &title }),
        DealStatus::Lost => locale.fill(phrase::MarkedLost { deal: &title }),
    };
    page.pending.update(|p| {
        p.insert(deal_id.clone(), moved.clone());
    });
    page.pinned.set(Some(deal_id.clone()));
    if by == MovedBy::Keyboard {
        page.refocus.set(Some(deal_id.clone()));
    }
    page.announcement.set(announcement);
    leptos::task::spawn_local(async move {
        let saved = workspace.save(Some(&stored), moved.clone()).await;
        // A later move of the same deal may be pending by now; it stays.
        page.pending.update(|p| {
            if p.get(&moved.id) == Some(&moved) {
                p.remove(&moved.id);
            }
        });
        if let Err(error) = saved {
            let text = locale.t(store_error_msg(&error)).to_owned();
            page.announcement.set(text.clone());
            notices.show(Notice { text, undo: None });
        }
    });
}
