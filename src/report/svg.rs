//! Self-contained SVG charts for the HTML report: no scripts, no external fonts or styles.
//! Every piece of text is HTML-escaped; colours that carry text use `currentColor`, so the
//! charts follow the page's light or dark theme.

use std::fmt::Write as _;

use crate::output::markdown::html_escape;

/// Slice colours, distinct in hue and readable on light and dark backgrounds.
const PALETTE: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#2f4b7c", "#a05195",
];

const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"";

/// A donut chart of `slices` (label, value) with a legend giving each value and share.
/// Slices with a zero value are left out of the ring but kept in the legend.
pub fn pie(title: &str, slices: &[(String, usize)]) -> String {
    let total: usize = slices.iter().map(|(_, v)| v).sum();
    let row_height = 24.0;
    let height = (40.0 + row_height * slices.len() as f64).max(240.0);
    let (cx, cy, r, stroke) = (120.0, height / 2.0, 80.0, 46.0);
    let circumference = 2.0 * std::f64::consts::PI * r;
    let mut svg = open(660.0, height, title);
    let _ = write!(
        svg,
        "<circle cx=\"{cx}\" cy=\"{cy:.1}\" r=\"{r}\" fill=\"none\" stroke=\"#8c959f\" stroke-opacity=\"0.25\" stroke-width=\"{stroke}\"/>"
    );
    let mut offset = 0.0;
    for (i, (label, value)) in slices.iter().enumerate() {
        if *value == 0 || total == 0 {
            continue;
        }
        let share = *value as f64 / total as f64;
        let length = share * circumference;
        let _ = write!(
            svg,
            "<circle cx=\"{cx}\" cy=\"{cy:.1}\" r=\"{r}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke}\" \
             stroke-dasharray=\"{length:.3} {rest:.3}\" stroke-dashoffset=\"{dash:.3}\" transform=\"rotate(-90 {cx} {cy:.1})\">\
             <title>{label}: {value}</title></circle>",
            color = PALETTE[i % PALETTE.len()],
            rest = circumference - length,
            dash = -offset,
            label = html_escape(label),
        );
        offset += length;
    }
    let _ = write!(
        svg,
        "<text x=\"{cx}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"26\" font-weight=\"600\" fill=\"currentColor\">{total}</text>\
         <text x=\"{cx}\" y=\"{y2:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.7\">{noun}</text>",
        y = cy + 4.0,
        y2 = cy + 22.0,
        noun = if total == 1 { "incident" } else { "incidents" },
    );
    let legend_top = (height - row_height * slices.len() as f64) / 2.0;
    for (i, (label, value)) in slices.iter().enumerate() {
        let y = legend_top + row_height * i as f64;
        let percent = if total == 0 {
            0.0
        } else {
            100.0 * *value as f64 / total as f64
        };
        let _ = write!(
            svg,
            "<rect x=\"260\" y=\"{y:.1}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"282\" y=\"{ty:.1}\" font-size=\"14\" fill=\"currentColor\">{label} \
             <tspan fill-opacity=\"0.7\">{value} ({percent:.0}%)</tspan></text>",
            color = PALETTE[i % PALETTE.len()],
            ty = y + 12.0,
            label = html_escape(&shorten(label, 48)),
        );
    }
    svg.push_str("</svg>");
    one_element_per_line(&svg)
}

/// Stacked bars: one bar per label, one segment per series (label, values), with a legend.
/// Labels are thinned out as in [`bars`].
pub fn stacked_bars(
    title: &str,
    axis_label: &str,
    labels: &[String],
    series: &[(String, Vec<usize>)],
) -> String {
    let (width, height) = (720.0, 300.0);
    let (left, right, top, bottom) = (48.0, 12.0, 36.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let totals: Vec<usize> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let (step, axis_max) = nice_axis(totals.iter().copied().max().unwrap_or(0));
    let y_of = |v: f64| top + plot_h - plot_h * v / axis_max as f64;
    let mut svg = open(width, height, title);
    grid(&mut svg, left, width - right, step, axis_max, &y_of);
    axis_title(&mut svg, axis_label, top + plot_h / 2.0);
    legend(&mut svg, left, series.iter().map(|(name, _)| name.as_str()));
    let slot = plot_w / labels.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    for (i, label) in labels.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0usize;
        for (k, (name, values)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let (y0, y1) = (y_of(base as f64), y_of((base + v) as f64));
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"{color}\">\
                 <title>{label}, {name}: {v}</title></rect>",
                h = y0 - y1,
                color = PALETTE[k % PALETTE.len()],
                label = html_escape(label),
                name = html_escape(name),
            );
            base += v;
        }
        if totals[i] > 0 && bar_w >= 14.0 {
            let _ = write!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{t}</text>",
                cx = x + bar_w / 2.0,
                ty = y_of(totals[i] as f64) - 4.0,
                t = totals[i],
            );
        }
        x_label(
            &mut svg,
            labels.len(),
            i,
            x + bar_w / 2.0,
            top + plot_h + 18.0,
            label,
        );
    }
    baseline(&mut svg, left, width - right, top + plot_h);
    one_element_per_line(&svg)
}

/// Lines over labels, one per series (name, values); a missing value leaves a gap, never a
/// zero. Each point carries a tooltip.
pub fn lines(
    title: &str,
    axis_label: &str,
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
) -> String {
    let (width, height) = (720.0, 300.0);
    let (left, right, top, bottom) = (48.0, 12.0, 36.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |m, v| m.max(*v));
    let (step, axis_max) = nice_axis(max.ceil() as usize);
    let y_of = |v: f64| top + plot_h - plot_h * v / axis_max as f64;
    let mut svg = open(width, height, title);
    grid(&mut svg, left, width - right, step, axis_max, &y_of);
    axis_title(&mut svg, axis_label, top + plot_h / 2.0);
    legend(&mut svg, left, series.iter().map(|(name, _)| name.as_str()));
    let slot = plot_w / labels.len().max(1) as f64;
    let x_of = |i: usize| left + slot * i as f64 + slot / 2.0;
    for (k, (name, values)) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        // One polyline per run of known values.
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, svg: &mut String| {
            if run.len() > 1 {
                let _ = write!(
                    svg,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>",
                    run.join(" ")
                );
            }
            run.clear();
        };
        for (i, value) in values.iter().enumerate() {
            match value {
                Some(v) => {
                    let (x, y) = (x_of(i), y_of(*v));
                    run.push(format!("{x:.1},{y:.1}"));
                    let _ = write!(
                        svg,
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{color}\"><title>{label}, {name}: {v:.0}</title></circle>",
                        label = html_escape(labels.get(i).map_or("", String::as_str)),
                        name = html_escape(name),
                    );
                }
                None => flush(&mut run, &mut svg),
            }
        }
        flush(&mut run, &mut svg);
    }
    for (i, label) in labels.iter().enumerate() {
        x_label(
            &mut svg,
            labels.len(),
            i,
            x_of(i),
            top + plot_h + 18.0,
            label,
        );
    }
    baseline(&mut svg, left, width - right, top + plot_h);
    one_element_per_line(&svg)
}

fn grid(
    svg: &mut String,
    left: f64,
    right: f64,
    step: usize,
    axis_max: usize,
    y_of: &dyn Fn(f64) -> f64,
) {
    let mut tick = 0;
    while tick <= axis_max {
        let y = y_of(tick as f64);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{right}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#8c959f\" stroke-opacity=\"0.35\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.7\">{tick}</text>",
            tx = left - 6.0,
            ty = y + 4.0,
        );
        tick += step;
    }
}

fn axis_title(svg: &mut String, text: &str, y: f64) {
    let _ = write!(
        svg,
        "<text x=\"14\" y=\"{y:.1}\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.7\" text-anchor=\"middle\" transform=\"rotate(-90 14 {y:.1})\">{t}</text>",
        t = html_escape(text),
    );
}

fn legend<'a>(svg: &mut String, left: f64, names: impl Iterator<Item = &'a str>) {
    let mut x = left;
    for (k, name) in names.enumerate() {
        let name = shorten(name, 24);
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"8\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{color}\"/>\
             <text x=\"{tx:.1}\" y=\"18\" font-size=\"12\" fill=\"currentColor\">{n}</text>",
            color = PALETTE[k % PALETTE.len()],
            tx = x + 16.0,
            n = html_escape(&name),
        );
        x += 28.0 + 7.0 * name.chars().count() as f64;
    }
}

/// The label of bar `i` of `n`, when it is one of the labelled ones (the last always is).
fn x_label(svg: &mut String, n: usize, i: usize, cx: f64, y: f64, label: &str) {
    // At most about 8 labels: a "Nov 2026" label needs about a twelfth of the width.
    let every = (n as f64 / 8.0).ceil().max(1.0) as usize;
    if (n - 1 - i).is_multiple_of(every) {
        let _ = write!(
            svg,
            "<text x=\"{cx:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.8\">{l}</text>",
            l = html_escape(&shorten(label, 12)),
        );
    }
}

fn baseline(svg: &mut String, left: f64, right: f64, y: f64) {
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{right}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/></svg>",
    );
}

/// Breaks the markup between elements (never inside text), so a change to a chart reads
/// well in a diff of a committed report.
fn one_element_per_line(svg: &str) -> String {
    let mut out = svg.to_string();
    for end in [
        "/>",
        "</title>",
        "</text>",
        "</rect>",
        "</circle>",
        "</polyline>",
    ] {
        out = out.replace(&format!("{end}<"), &format!("{end}\n<"));
    }
    out
}

fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         role=\"img\" aria-label=\"{t}\" {FONT}><title>{t}</title>",
        t = html_escape(title)
    )
}

/// A step of 1, 2, 5, 10, 20, 50... giving at most about 5 ticks, and the axis maximum (a
/// multiple of the step, at least 1).
fn nice_axis(max: usize) -> (usize, usize) {
    let max = max.max(1);
    let mut magnitude = 1usize;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            if max.div_ceil(step) <= 5 {
                return (step, max.div_ceil(step) * step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// `text` with control characters made spaces, at most `max` characters (see
/// [`crate::output::markdown::shorten`]).
fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    crate::output::markdown::shorten(&flat, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps() {
        assert_eq!(nice_axis(0), (1, 1));
        assert_eq!(nice_axis(3), (1, 3));
        assert_eq!(nice_axis(5), (1, 5));
        assert_eq!(nice_axis(6), (2, 6));
        assert_eq!(nice_axis(11), (5, 15));
        assert_eq!(nice_axis(24), (5, 25));
        assert_eq!(nice_axis(26), (10, 30));
        assert_eq!(nice_axis(180), (50, 200));
    }

    #[test]
    fn text_is_escaped_and_there_is_no_script() {
        let hostile = "<script>alert(1)</script>\"'&";
        let svgs = [
            pie(hostile, &[(hostile.into(), 2), ("b".into(), 0)]),
            stacked_bars(
                hostile,
                hostile,
                &[hostile.into()],
                &[(hostile.into(), vec![3])],
            ),
            lines(
                hostile,
                hostile,
                &[hostile.into()],
                &[(hostile.into(), vec![Some(3.0)])],
            ),
        ];
        for svg in svgs {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
            assert!(!svg.contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "{svg}");
            assert!(!svg.contains("href") && !svg.contains("url("), "{svg}");
        }
    }

    #[test]
    fn one_slice_is_a_full_ring_and_zeros_stay_in_the_legend() {
        let svg = pie("t", &[("configuration".into(), 4), ("network".into(), 0)]);
        assert_eq!(svg.matches("stroke-dasharray").count(), 1);
        assert!(
            svg.contains("network <tspan fill-opacity=\"0.7\">0 (0%)"),
            "{svg}"
        );
        assert!(svg.contains("4 (100%)"), "{svg}");
    }

    #[test]
    fn stacked_segments_add_up_and_lines_leave_gaps() {
        let labels: Vec<String> = ["Sep 2026", "Oct 2026", "Nov 2026"]
            .map(String::from)
            .to_vec();
        let svg = stacked_bars(
            "t",
            "Incidents",
            &labels,
            &[
                ("SEV1".into(), vec![1, 0, 2]),
                ("SEV2".into(), vec![0, 0, 3]),
            ],
        );
        // Three non-zero segments and the two legend squares; totals 1 and 5 over the bars.
        assert_eq!(svg.matches("<rect").count(), 5, "{svg}");
        assert!(svg.contains("<title>Nov 2026, SEV2: 3</title>"), "{svg}");
        assert!(
            svg.contains(">5</text>") && svg.contains(">1</text>"),
            "{svg}"
        );
        let svg = lines(
            "t",
            "Minutes",
            &labels,
            &[("Mitigate".into(), vec![Some(30.0), None, Some(60.0)])],
        );
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert!(
            !svg.contains("<polyline"),
            "no line across the unknown month: {svg}"
        );
        assert!(!svg.contains("<title>Oct 2026"), "{svg}");
    }

    #[test]
    fn many_bars_get_thinned_labels() {
        let labels: Vec<String> = (0..104).map(|i| format!("w{i}")).collect();
        let values: Vec<usize> = (0..104).map(|i| 1 + i % 3).collect();
        let svg = stacked_bars("t", "Incidents", &labels, &[("SEV1".into(), values)]);
        assert_eq!(
            svg.matches("<rect").count(),
            105,
            "104 bars and a legend square"
        );
        assert!(
            svg.contains(">w103</text>"),
            "the last week is always labelled"
        );
        assert!(!svg.contains(">w102</text>"));
    }
}
