//! The dashboard's toolbar: the range (presets in the workspace calendar, so Persian users get
//! Jalali months, or two typed days) and the owner filter.

use super::{
    charts::period_text,
    state::{use_dashboard, RangeChoice},
};
use crate::i18n::phrase;
use crate::{
    i18n::{use_locale, Msg},
    ui::inputs::DayField,
    ui::inputs::MemberSelect,
};
use leptos::prelude::*;

use rabet_domain::report::dashboard::Preset;

const CUSTOM: &str = "custom";

fn preset_key(preset: Preset) -> &'static str {
    match preset {
        Preset::ThisMonth => "this_month",
        Preset::LastMonth => "last_month",
        Preset::ThisQuarter => "this_quarter",
        Preset::ThisYear => "this_year",
    }
}

fn preset_msg(preset: Preset) -> Msg {
    match preset {
        Preset::ThisMonth => Msg::RangeThisMonth,
        Preset::LastMonth => Msg::RangeLastMonth,
        Preset::ThisQuarter => Msg::RangeThisQuarter,
        Preset::ThisYear => Msg::RangeThisYear,
    }
}

#[component]
pub fn RangeBar() -> impl IntoView {
    let locale = use_locale();
    let state = use_dashboard();
    let choose = move |ev| {
        let chosen = event_target_value(&ev);
        if chosen == CUSTOM {
            state.choose_custom();
        } else if let Some(preset) = Preset::ALL.into_iter().find(|p| preset_key(*p) == chosen) {
            state.range.set(RangeChoice::Preset(preset));
        }
    };
    let showing = move || {
        let text = period_text(state.period.get(), state.calendar.get(), locale.lang());
        locale.fill(phrase::ShowingPeriod { period: &text })
    };
    view! {
        <div class="filters dashboard-filters">
            <div class="filter">
                <label class="filter-label" for="dashboard-range">{move || locale.t(Msg::RangeLabel)}</label>
                <select id="dashboard-range" on:change=choose>
                    {Preset::ALL.into_iter().map(|preset| view! {
                        <option value=preset_key(preset)
                            selected=move || state.range.get() == RangeChoice::Preset(preset)>
                            {move || locale.t(preset_msg(preset))}
                        </option>
                    }).collect_view()}
                    <option value=CUSTOM selected=move || state.range.get() == RangeChoice::Custom>
                        {move || locale.t(Msg::RangeCustom)}
                    </option>
                </select>
            </div>
            <Show when=move || state.range.get() == RangeChoice::Custom>
                <DayField label=Msg::RangeFrom id="range-from" text=state.custom_from />
                <DayField label=Msg::RangeTo id="range-to" text=state.custom_to />
            </Show>
            <MemberSelect
                label=Msg::Owner
                id="dashboard-owner"
                none=Msg::WholeTeam
                current=state.owner
                set=move |owner| state.owner.set(owner)
            />
        </div>
        <p class="list-count" aria-live="polite">{showing}</p>
    }
}
