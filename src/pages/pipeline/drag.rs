//! Dragging cards between columns.
//!
//! The mouse uses HTML5 drag and drop. Touch uses a long press followed by pointer events:
//! a short swipe must still scroll the board, so a drag only starts once the finger has rested
//! on a card; from then on the page stops scrolling (touchmove is cancelled) and the board
//! scrolls sideways by itself while the finger is near its edge. Both ways find the column under
//! the pointer (`[data-stage-id]`), so the visual order, right to left in Persian, is what
//! counts.

use leptos::{html, prelude::*};
use rabet_domain::id::Id;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element, EventTarget, PointerEvent, TouchEvent};

const DEAL_ATTR: &str = "data-deal-id";
const STAGE_ATTR: &str = "data-stage-id";
/// How long a finger rests on a card before it lifts.
const LONG_PRESS: Duration = Duration::from_millis(450);
/// Movement that still counts as resting (fingers wobble).
const TOUCH_SLOP_PX: f64 = 10.0;
/// The band along the board's sides where dragging scrolls it.
const EDGE_PX: f64 = 48.0;
/// Scroll per step at the very edge; less further in.
const MAX_SCROLL_STEP_PX: f64 = 10.0;
/// One step per frame while a finger rests near the edge.
const AUTOSCROLL_TICK: Duration = Duration::from_millis(16);

/// A touch on a card, before and during its drag.
struct TouchGesture {
    pointer_id: i32,
    deal: Id,
    card: Element,
    start: (f64, f64),
    last: (f64, f64),
    long_press: Option<TimeoutHandle>,
    autoscroll: Option<IntervalHandle>,
}

#[derive(Clone, Copy)]
pub struct DragState {
    /// The deal being dragged, by mouse or finger.
    pub dragging: RwSignal<Option<Id>>,
    /// The stage whose column is under the pointer.
    pub over: RwSignal<Option<Id>>,
    /// Where the finger is (viewport px) while a touch drag shows its ghost card.
    pub finger: RwSignal<Option<(f64, f64)>>,
    /// The board's scrolling element.
    pub board: NodeRef<html::Div>,
    gesture: StoredValue<Option<TouchGesture>, LocalStorage>,
}

impl DragState {
    pub fn new() -> Self {
        DragState {
            dragging: RwSignal::new(None),
            over: RwSignal::new(None),
            finger: RwSignal::new(None),
            board: NodeRef::new(),
            gesture: StoredValue::new_local(None),
        }
    }

    pub fn on_drag_start(self, ev: &DragEvent) {
        let Some(deal) = attr_of(ev.target(), DEAL_ATTR) else {
            return;
        };
        if let Some(data) = ev.data_transfer() {
            // Firefox starts a drag only when it carries data.
            let _ = data.set_data("text/plain", &deal.as_str());
            data.set_effect_allowed("move");
        }
        self.dragging.set(Some(deal));
    }

    pub fn on_drag_over(self, ev: &DragEvent) {
        if self.dragging.with_untracked(Option::is_none) {
            return;
        }
        let stage = attr_of(ev.target(), STAGE_ATTR);
        if stage.is_some() {
            // Accepting the drop: without this the browser refuses it.
            ev.prevent_default();
            if let Some(data) = ev.data_transfer() {
                data.set_drop_effect("move");
            }
        }
        self.set_over(stage);
        // dragover repeats while the mouse rests, so each one is a scroll step.
        self.scroll_near_edge(f64::from(ev.client_x()));
    }

    /// The (deal, stage) dropped, if the drop landed on a column.
    pub fn on_drop(self, ev: &DragEvent) -> Option<(Id, Id)> {
        ev.prevent_default();
        let dropped = self
            .dragging
            .get_untracked()
            .zip(attr_of(ev.target(), STAGE_ATTR));
        self.on_drag_end();
        dropped
    }

    pub fn on_drag_end(self) {
        self.dragging.set(None);
        self.set_over(None);
    }

    pub fn on_pointer_down(self, ev: &PointerEvent) {
        if ev.pointer_type() == "mouse" || !ev.is_primary() {
            return;
        }
        let Some(card) = closest(ev.target(), DEAL_ATTR) else {
            return;
        };
        let Some(deal) = card.get_attribute(DEAL_ATTR).and_then(|id| Id::find(&id)) else {
            return;
        };
        self.end_touch_drag();
        // The finger drags with pointer events; the browser's own touch drag would compete.
        let _ = card.set_attribute("draggable", "false");
        let at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let long_press = set_timeout_with_handle(move || self.lift(), LONG_PRESS).ok();
        self.gesture.set_value(Some(TouchGesture {
            pointer_id: ev.pointer_id(),
            deal,
            card,
            start: at,
            last: at,
            long_press,
            autoscroll: None,
        }));
    }

    pub fn on_pointer_move(self, ev: &PointerEvent) {
        let at = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let start = self.gesture.try_update_value(|gesture| {
            gesture
                .as_mut()
                .filter(|g| g.pointer_id == ev.pointer_id())
                .map(|g| {
                    g.last = at;
                    g.start
                })
        });
        let Some(start) = start.flatten() else {
            return;
        };
        if self.dragging.with_untracked(Option::is_some) {
            self.finger.set(Some(at));
            self.set_over(stage_at(at));
        } else if distance(start, at) > TOUCH_SLOP_PX {
            // The finger moved before the long press: it is scrolling, not dragging.
            self.end_touch_drag();
        }
    }

    /// The (deal, stage) dropped, if a touch drag ended over a column.
    pub fn on_pointer_up(self, ev: &PointerEvent) -> Option<(Id, Id)> {
        let ours = self
            .gesture
            .with_value(|g| g.as_ref().is_some_and(|g| g.pointer_id == ev.pointer_id()));
        if !ours {
            return None;
        }
        let dropped = self
            .finger
            .get_untracked()
            .and_then(|_| self.dragging.get_untracked().zip(self.over.get_untracked()));
        self.end_touch_drag();
        dropped
    }

    /// While a finger drags a card, the page must not scroll under it.
    pub fn on_touch_move(self, ev: &TouchEvent) {
        if self.finger.with_untracked(Option::is_some) && ev.cancelable() {
            ev.prevent_default();
        }
    }

    /// A long press would open the context menu or select text instead.
    pub fn on_context_menu(self, ev: &web_sys::MouseEvent) {
        if self.gesture.with_value(Option::is_some) {
            ev.prevent_default();
        }
    }

    /// Ends a touch gesture, dragged or not, and puts everything back.
    pub fn end_touch_drag(self) {
        let Some(gesture) = self.gesture.try_update_value(Option::take).flatten() else {
            return;
        };
        if let Some(timer) = gesture.long_press {
            timer.clear();
        }
        if let Some(interval) = gesture.autoscroll {
            interval.clear();
        }
        let _ = gesture.card.set_attribute("draggable", "true");
        if self.finger.with_untracked(Option::is_some) {
            self.finger.set(None);
            self.dragging.set(None);
            self.set_over(None);
        }
    }

    /// The long press completed: the card follows the finger from now on.
    fn lift(self) {
        let lifted = self.gesture.try_update_value(|gesture| {
            gesture.as_mut().map(|g| {
                g.long_press = None;
                (g.deal.clone(), g.last)
            })
        });
        let Some((deal, at)) = lifted.flatten() else {
            return;
        };
        self.dragging.set(Some(deal));
        self.finger.set(Some(at));
        self.set_over(stage_at(at));
        let autoscroll = set_interval_with_handle(move || self.autoscroll_step(), AUTOSCROLL_TICK);
        self.gesture.update_value(|gesture| {
            if let Some(g) = gesture {
                g.autoscroll = autoscroll.ok();
            }
        });
    }

    fn autoscroll_step(self) {
        let Some(at) = self.gesture.with_value(|g| g.as_ref().map(|g| g.last)) else {
            return;
        };
        if self.scroll_near_edge(at.0) {
            // The board moved under a resting finger: so did the column it points at.
            self.set_over(stage_at(at));
        }
    }

    /// Scrolls the board sideways when `x` is in the band along one of its sides; says
    /// whether it scrolled.
    fn scroll_near_edge(self, x: f64) -> bool {
        let Some(board) = self.board.get_untracked() else {
            return false;
        };
        let rect = board.get_bounding_client_rect();
        let closeness = |gap: f64| ((EDGE_PX - gap) / EDGE_PX).clamp(0.0, 1.0);
        let step = (closeness(rect.right() - x) - closeness(x - rect.left())) * MAX_SCROLL_STEP_PX;
        if step.abs() < 1.0 {
            return false;
        }
        let before = board.scroll_left();
        board.scroll_by_with_x_and_y(step, 0.0);
        board.scroll_left() != before
    }

    fn set_over(self, stage: Option<Id>) {
        if self.over.with_untracked(|over| *over != stage) {
            self.over.set(stage);
        }
    }
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// The nearest element at or above `target` carrying `attr`.
fn closest(target: Option<EventTarget>, attr: &str) -> Option<Element> {
    let element = target?.dyn_into::<Element>().ok()?;
    element.closest(&format!("[{attr}]")).ok().flatten()
}

fn attr_of(target: Option<EventTarget>, attr: &str) -> Option<Id> {
    closest(target, attr)?
        .get_attribute(attr)
        .and_then(|id| Id::find(&id))
}

/// The stage of the column at a viewport point.
fn stage_at((x, y): (f64, f64)) -> Option<Id> {
    let element = document().element_from_point(x as f32, y as f32)?;
    attr_of(Some(element.into()), STAGE_ATTR)
}
