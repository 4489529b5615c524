//! Segments: saved filters over contacts and the built-in RFM segments, listed with their
//! member counts; a segment's page lists its members, exports them and writes to them.
//! Membership is `rabet_domain::report::segment`'s, with the customer page's RFM thresholds.

mod batch;
mod detail;
mod form;

pub use detail::SegmentView;

use crate::ui::widgets::{refused, RefusedNote};
use crate::{
    i18n::{use_locale, Counted, Msg},
    local_time::{now_ms, zone},
    ui::labels::{rfm_class_msg, rfm_segment_msg},
    ui::PageHeader,
    workspace::{use_workspace, Workspace},
};
use form::SegmentForm;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};
use rabet_domain::kind::EntityKind;
use rabet_domain::sorting::sort_by;
use rabet_domain::{
    id::Id,
    model::{Segment, SegmentFilter},
    report::segment::{PreparedSegment, RfmSegment, SegmentIndex},
    rfm::RfmThresholds,
};

/// Built-in segments are addressed as `/segments/rfm-<name>`; saved ones by their id.
const BUILTIN_PREFIX: &str = "rfm-";

/// Which segment a page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SegmentKey {
    Builtin(RfmSegment),
    Saved(Id),
}

impl SegmentKey {
    /// The segment a path names; `None` when it names none held. A saved segment's id is
    /// looked up without adding the text to the id table.
    pub fn parse(text: &str) -> Option<SegmentKey> {
        let builtin = text
            .strip_prefix(BUILTIN_PREFIX)
            .and_then(|name| RfmSegment::ALL.into_iter().find(|s| s.as_str() == name));
        match builtin {
            Some(segment) => Some(SegmentKey::Builtin(segment)),
            None => Id::find(text).map(SegmentKey::Saved),
        }
    }

    pub fn path(&self) -> String {
        match self {
            SegmentKey::Builtin(segment) => {
                format!("/segments/{BUILTIN_PREFIX}{}", segment.as_str())
            }
            SegmentKey::Saved(id) => format!("/segments/{id}"),
        }
    }
}

/// The positions (in the contacts collection) of each filter's members, with one purchase
/// index for all of them. Tracks contacts, invoices, the workspace currency and its zone (the
/// days purchases were made on).
pub fn member_positions(
    workspace: Workspace,
    filters: &[SegmentFilter],
    now: i64,
) -> Vec<Vec<usize>> {
    let currency = workspace.settings.with(|s| s.currency);
    workspace.invoices.with(|invoices| {
        workspace.contacts.with(|contacts| {
            let index = SegmentIndex::new(
                invoices.as_slice(),
                currency,
                &RfmThresholds::fixed(currency),
                now,
                &zone(),
            );
            filters
                .iter()
                .map(|filter| {
                    let segment = PreparedSegment::new(filter);
                    contacts
                        .iter()
                        .enumerate()
                        .filter(|(at, contact)| {
                            segment.matches(contact, index.facts(&contact.id), |_| {
                                contacts.search_text_at(*at)
                            })
                        })
                        .map(|(at, _)| at)
                        .collect()
                })
                .collect()
        })
    })
}

/// The RFM classes a built-in segment gathers, in words.
fn classes_text(segment: RfmSegment, lang: rabet_domain::locale::Lang) -> String {
    segment
        .classes()
        .iter()
        .map(|class| rfm_class_msg(*class).text(lang))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
pub fn Segments() -> impl IntoView {
    let locale = use_locale();
    let refused = refused(Some(EntityKind::Segment));
    let workspace = use_workspace();
    let now = now_ms();
    let creating = RwSignal::new(false);
    let navigate = use_navigate();
    // A new segment opens on its own page, with its members.
    let open_created = Callback::new(move |saved: Option<Id>| {
        creating.set(false);
        if let Some(id) = saved {
            navigate(&SegmentKey::Saved(id).path(), Default::default());
        }
    });
    let saved = Memo::new(move |_| {
        workspace.segments.with(|segments| {
            let mut all: Vec<Segment> = segments.iter().cloned().collect();
            sort_by(&mut all, |a, b| {
                a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id))
            });
            all
        })
    });
    // Built-in segments first, then the saved ones, as the page lists them.
    let counts = Memo::new(move |_| {
        let filters: Vec<SegmentFilter> = RfmSegment::ALL
            .iter()
            .map(|s| s.filter())
            .chain(saved.with(|saved| saved.iter().map(|s| s.filter.clone()).collect::<Vec<_>>()))
            .collect();
        member_positions(workspace, &filters, now)
            .iter()
            .map(Vec::len)
            .collect::<Vec<_>>()
    });
    let count_at = move |at: usize| {
        locale.count(
            Counted::Members,
            counts.with(|c| c.get(at).copied().unwrap_or(0)),
        )
    };
    let row = move |key: SegmentKey, name: String, about: String, at: usize| {
        view! {
            <li class="record-row">
                <A href=key.path() attr:class="row-link">
                    <span class="row-main">
                        <bdi class="row-title">{name}</bdi>
                        <bdi class="row-sub">{about}</bdi>
                    </span>
                    <span class="row-meta">
                        <span class="row-figure">
                            {move || count_at(at)}
                        </span>
                    </span>
                </A>
            </li>
        }
    };
    let builtin = move || {
        RfmSegment::ALL
            .into_iter()
            .enumerate()
            .map(|(at, segment)| {
                let lang = locale.lang();
                row(
                    SegmentKey::Builtin(segment),
                    rfm_segment_msg(segment).text(lang).to_owned(),
                    classes_text(segment, lang),
                    at,
                )
            })
            .collect_view()
    };
    let saved_rows = move || {
        saved
            .get()
            .into_iter()
            .enumerate()
            .map(|(at, segment)| {
                row(
                    SegmentKey::Saved(segment.id),
                    segment.name,
                    String::new(),
                    RfmSegment::ALL.len() + at,
                )
            })
            .collect_view()
    };
    view! {
        <PageHeader title=Msg::NavSegments intro=Msg::SegmentsIntro />
        <RefusedNote kind=EntityKind::Segment />
        <div class="toolbar">
            <A href="/customers" attr:class="button">{move || locale.t(Msg::BackToCustomers)}</A>
            <button type="button" class="button primary" disabled=move || refused.get().is_some() on:click=move |_| creating.set(true)>
                {move || locale.t(Msg::NewSegment)}
            </button>
        </div>
        <section class="segment-group" aria-labelledby="saved-segments-title">
            <h2 id="saved-segments-title">{move || locale.t(Msg::SavedSegments)}</h2>
            <Show when=move || saved.with(|s| !s.is_empty())
                fallback=move || view! { <p class="empty-line">{move || locale.t(Msg::NoSavedSegments)}</p> }>
                <ul class="plain record-list">{saved_rows}</ul>
            </Show>
        </section>
        <section class="segment-group" aria-labelledby="rfm-segments-title">
            <h2 id="rfm-segments-title">{move || locale.t(Msg::RfmSegments)}</h2>
            <p class="field-hint">{move || locale.t(Msg::RfmSegmentsHint)}</p>
            <ul class="plain record-list">{builtin}</ul>
        </section>
        <Show when=move || creating.get()>
            <SegmentForm initial=None on_done=open_created />
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn segment_addresses_round_trip() {
        for key in [
            SegmentKey::Builtin(RfmSegment::AtRisk),
            SegmentKey::Saved(Id::from_string("0190a7b2-segment")),
        ] {
            let path = key.path();
            assert_eq!(
                SegmentKey::parse(path.trim_start_matches("/segments/")),
                Some(key)
            );
        }
        assert_eq!(SegmentKey::parse("rfm-unknown"), None);
    }
}
