//! One SVG chart component for every dashboard chart: bars (one or more series side by side)
//! or a line, drawn in a fixed viewBox that scales to the card (readable on a 390px phone),
//! mirrored in right-to-left languages (the first bucket at the right), and accessible: the
//! SVG is one image named by its title and description, and the numbers are in a table.

use super::figures::compact_number;
use crate::i18n::{use_locale, Msg};
use leptos::prelude::*;

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 210.0;
/// Room for the value axis' labels, on the side the reader starts from.
const AXIS_SPACE: f64 = 40.0;
const END_SPACE: f64 = 6.0;
const TOP_SPACE: f64 = 10.0;
/// Room for the category labels under the plot.
const LABEL_SPACE: f64 = 26.0;
/// At most this many category labels, so they never overlap.
const MAX_LABELS: usize = 7;

/// How the values are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Bars,
    Line,
}

/// One series of values, one per category; `None` is a gap (no data), not zero.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// The values as the table shows them ("$1,200", "80.0%").
    pub texts: Vec<String>,
}

/// What a chart shows: categories along the reading direction and series over them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartData {
    pub categories: Vec<String>,
    /// The categories in full, for the table ("1403/07/01 – 1403/07/07").
    pub category_texts: Vec<String>,
    pub series: Vec<Series>,
}

impl ChartData {
    fn has_data(&self) -> bool {
        self.series
            .iter()
            .flat_map(|s| &s.values)
            .any(|v| v.is_some_and(|v| v != 0.0))
    }

    fn largest(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0, |max, v| f64::max(max, *v))
    }
}

/// The plot area in viewBox units, and where the categories sit in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub rtl: bool,
    pub categories: usize,
}

impl Frame {
    /// The plot's horizontal extent: the axis labels take the reader's starting side.
    pub fn plot(self) -> (f64, f64) {
        if self.rtl {
            (END_SPACE, WIDTH - AXIS_SPACE)
        } else {
            (AXIS_SPACE, WIDTH - END_SPACE)
        }
    }

    /// The slot of category `index` (start x, width): left to right, or right to left.
    pub fn slot(self, index: usize) -> (f64, f64) {
        let (start, end) = self.plot();
        let width = (end - start) / self.categories.max(1) as f64;
        let position = if self.rtl {
            self.categories.saturating_sub(index + 1)
        } else {
            index
        };
        (start + position as f64 * width, width)
    }

    /// The middle of category `index`'s slot.
    pub fn center(self, index: usize) -> f64 {
        let (x, width) = self.slot(index);
        x + width / 2.0
    }

    /// Where the value axis' labels are anchored, and how.
    fn axis_label(self) -> (f64, &'static str) {
        if self.rtl {
            (WIDTH - AXIS_SPACE + 4.0, "start")
        } else {
            (AXIS_SPACE - 4.0, "end")
        }
    }
}

/// The vertical position of `value` on an axis from 0 to `top`.
pub fn y_of(value: f64, top: f64) -> f64 {
    let bottom = HEIGHT - LABEL_SPACE;
    let share = if top > 0.0 {
        (value / top).clamp(0.0, 1.0)
    } else {
        0.0
    };
    bottom - share * (bottom - TOP_SPACE)
}

/// A round number at or above `max` for the axis' top: 1, 2, 2.5 or 5 times a power of ten.
pub fn nice_ceiling(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|candidate| *candidate >= max * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// Every how many categories a label is written, so at most [`MAX_LABELS`] show.
pub fn label_step(categories: usize) -> usize {
    categories.div_ceil(MAX_LABELS).max(1)
}

fn fmt(value: f64) -> String {
    format!("{value:.1}")
}

/// A chart with its heading, the image, a legend and the numbers as a table.
///
/// `top`: the axis' fixed top (1.0 for shares); else a round number above the largest value.
/// `axis`: how the value axis writes a number.
#[component]
pub fn Chart(
    id: &'static str,
    title: Msg,
    description: Msg,
    kind: ChartKind,
    data: Memo<ChartData>,
    #[prop(optional)] top: Option<f64>,
    #[prop(optional)] axis: Option<fn(f64, rabet_domain::locale::Lang) -> String>,
) -> impl IntoView {
    let locale = use_locale();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let (labelled_by, described_by) = (title_id.clone(), desc_id.clone());
    let axis = axis.unwrap_or(compact_number);
    let drawing = move || {
        let rtl = locale.lang().dir() == "rtl";
        data.with(|data| {
            let frame = Frame {
                rtl,
                categories: data.categories.len(),
            };
            let top = top.unwrap_or_else(|| nice_ceiling(data.largest()));
            let (plot_start, plot_end) = frame.plot();
            let (label_x, anchor) = frame.axis_label();
            let grid = [0.0, 0.5, 1.0]
                .into_iter()
                .map(|share| {
                    let y = fmt(y_of(top * share, top));
                    view! {
                        <line class="chart-gridline" x1=fmt(plot_start) x2=fmt(plot_end) y1=y.clone() y2=y.clone() />
                        <text class="chart-axis" x=fmt(label_x) y=y text-anchor=anchor dominant-baseline="middle">
                            {axis(top * share, locale.lang())}
                        </text>
                    }
                })
                .collect_view();
            let step = label_step(data.categories.len());
            let labels = data
                .categories
                .iter()
                .enumerate()
                .filter(|(index, _)| index % step == 0)
                .map(|(index, label)| {
                    view! {
                        <text class="chart-label" x=fmt(frame.center(index)) y=fmt(HEIGHT - 8.0) text-anchor="middle">
                            {label.clone()}
                        </text>
                    }
                })
                .collect_view();
            let marks = match kind {
                ChartKind::Bars => bars(data, frame, top).into_any(),
                ChartKind::Line => lines(data, frame, top).into_any(),
            };
            view! { {grid} {labels} {marks} }
        })
    };
    let legend = move || {
        data.with(|data| {
            (data.series.len() > 1).then(|| {
                data.series
                    .iter()
                    .enumerate()
                    .map(|(index, series)| {
                        view! {
                            <li><span class=format!("chart-swatch s{index}") aria-hidden="true"></span>{series.name.clone()}</li>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let table = move || {
        data.with(|data| {
            let head = data
                .series
                .iter()
                .map(|s| view! { <th scope="col">{s.name.clone()}</th> })
                .collect_view();
            let rows = data
                .category_texts
                .iter()
                .enumerate()
                .map(|(index, category)| {
                    let cells = data
                        .series
                        .iter()
                        .map(|s| view! { <td>{s.texts.get(index).cloned().unwrap_or_default()}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{category.clone()}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <table class="chart-table">
                    <thead><tr><td></td>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
    };
    view! {
        <figure class="card chart">
            <h3 class="chart-title">{move || locale.t(title)}</h3>
            <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-labelledby=labelled_by aria-describedby=described_by>
                <title id=title_id>{move || locale.t(title)}</title>
                <desc id=desc_id>{move || locale.t(description)}</desc>
                {drawing}
            </svg>
            <Show when=move || !data.with(ChartData::has_data)>
                <p class="chart-empty">{move || locale.t(Msg::NoDataInPeriod)}</p>
            </Show>
            <ul class="chart-legend">{legend}</ul>
            <details class="chart-numbers">
                <summary>{move || locale.t(Msg::ShowNumbers)}</summary>
                {table}
            </details>
        </figure>
    }
}

/// Bars of every series side by side in each category's slot.
fn bars(data: &ChartData, frame: Frame, top: f64) -> impl IntoView {
    let series_count = data.series.len().max(1);
    let bottom = y_of(0.0, top);
    data.series
        .iter()
        .enumerate()
        .flat_map(|(series_index, series)| {
            series
                .values
                .iter()
                .enumerate()
                .filter_map(move |(index, value)| {
                    let value = (*value)?;
                    let (x, width) = frame.slot(index);
                    let bar = width * 0.7 / series_count as f64;
                    // Series keep the reading order inside a slot too.
                    let order = if frame.rtl {
                        series_count - 1 - series_index
                    } else {
                        series_index
                    };
                    let bar_x = x + width * 0.15 + order as f64 * bar;
                    let y = y_of(value, top);
                    let tip = format!(
                        "{} · {}: {}",
                        data.categories[index], series.name, series.texts[index]
                    );
                    Some(view! {
                        <rect class=format!("chart-bar s{series_index}") x=fmt(bar_x) y=fmt(y)
                            width=fmt(bar.max(1.0)) height=fmt((bottom - y).max(0.0))>
                            <title>{tip}</title>
                        </rect>
                    })
                })
        })
        .collect_view()
}

/// A line through each series' values, broken where a value is missing, with a dot on each.
fn lines(data: &ChartData, frame: Frame, top: f64) -> impl IntoView {
    data.series
        .iter()
        .enumerate()
        .map(|(series_index, series)| {
            let mut path = String::new();
            let mut pen_down = false;
            for (index, value) in series.values.iter().enumerate() {
                match value {
                    Some(value) => {
                        let command = if pen_down { 'L' } else { 'M' };
                        path.push_str(&format!(
                            "{command}{} {} ",
                            fmt(frame.center(index)),
                            fmt(y_of(*value, top))
                        ));
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            let dots = series
                .values
                .iter()
                .enumerate()
                .filter_map(|(index, value)| {
                    let value = (*value)?;
                    let tip = format!("{}: {}", data.categories[index], series.texts[index]);
                    Some(view! {
                        <circle class=format!("chart-dot s{series_index}") cx=fmt(frame.center(index))
                            cy=fmt(y_of(value, top)) r="3">
                            <title>{tip}</title>
                        </circle>
                    })
                })
                .collect_view();
            view! {
                <path class=format!("chart-line s{series_index}") d=path.trim_end().to_owned() />
                {dots}
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn categories_run_with_the_reading_direction() {
        let ltr = Frame {
            rtl: false,
            categories: 4,
        };
        let rtl = Frame {
            rtl: true,
            categories: 4,
        };
        assert!(ltr.center(0) < ltr.center(3));
        assert!(rtl.center(0) > rtl.center(3));
        // Mirrored: the first slot in RTL ends where the plot ends.
        let (x, width) = rtl.slot(0);
        assert!((x + width - rtl.plot().1).abs() < 1e-9);
        let (x, _) = ltr.slot(0);
        assert!((x - ltr.plot().0).abs() < 1e-9);
    }

    #[wasm_bindgen_test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(180.0), 200.0);
        assert_eq!(nice_ceiling(2_100.0), 2_500.0);
        assert_eq!(nice_ceiling(5_000.0), 5_000.0);
        assert!(y_of(10.0, 10.0) < y_of(0.0, 10.0));
        assert_eq!(y_of(20.0, 10.0), y_of(10.0, 10.0));
    }

    #[wasm_bindgen_test]
    fn labels_thin_out_on_long_axes() {
        assert_eq!(label_step(6), 1);
        assert_eq!(label_step(31), 5);
        assert_eq!(label_step(13), 2);
    }
}
