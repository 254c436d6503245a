//! Self-contained SVG charts for the HTML report: no scripts, no external fonts or styles.
//! Every piece of text is HTML-escaped; colours that carry text use `currentColor`, so the
//! charts follow the page's light or dark theme.

use std::fmt::Write as _;

use crate::markdown::html_escape;

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

/// A bar chart of `bars` (label, value) with a value axis from zero. Labels are thinned
/// out when there are too many bars to label each one.
pub fn bars(title: &str, axis_label: &str, bars: &[(String, usize)]) -> String {
    let (width, height) = (720.0, 280.0);
    let (left, right, top, bottom) = (48.0, 12.0, 16.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let (step, axis_max) = nice_axis(max);
    let y_of = |v: f64| top + plot_h - plot_h * v / axis_max as f64;
    let mut svg = open(width, height, title);
    let mut tick = 0;
    while tick <= axis_max {
        let y = y_of(tick as f64);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#8c959f\" stroke-opacity=\"0.35\"/>\
             <text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.7\">{tick}</text>",
            x2 = width - right,
            tx = left - 6.0,
            ty = y + 4.0,
        );
        tick += step;
    }
    let _ = write!(
        svg,
        "<text x=\"14\" y=\"{y:.1}\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.7\" text-anchor=\"middle\" transform=\"rotate(-90 14 {y:.1})\">{axis}</text>",
        y = top + plot_h / 2.0,
        axis = html_escape(axis_label),
    );
    let n = bars.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.7).max(1.0);
    // Label at most about 16 bars so the labels never overlap.
    let label_every = (bars.len() as f64 / 16.0).ceil().max(1.0) as usize;
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let y = y_of(*value as f64);
        let h = top + plot_h - y;
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" rx=\"2\" fill=\"{color}\">\
             <title>{label}: {value}</title></rect>",
            color = PALETTE[0],
            label = html_escape(label),
        );
        if *value > 0 && bar_w >= 14.0 {
            let _ = write!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">{value}</text>",
                cx = x + bar_w / 2.0,
                ty = y - 4.0,
            );
        }
        if (bars.len() - 1 - i).is_multiple_of(label_every) {
            let _ = write!(
                svg,
                "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\" fill-opacity=\"0.8\">{label}</text>",
                cx = x + bar_w / 2.0,
                ty = top + plot_h + 18.0,
                label = html_escape(&shorten(label, 12)),
            );
        }
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.6\"/></svg>",
        x2 = width - right,
        y = top + plot_h,
    );
    one_element_per_line(&svg)
}

/// Breaks the markup between elements (never inside text), so a change to a chart reads
/// well in a diff of a committed report.
fn one_element_per_line(svg: &str) -> String {
    let mut out = svg.to_string();
    for end in ["/>", "</title>", "</text>", "</rect>", "</circle>"] {
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
/// [`crate::markdown::shorten`]).
fn shorten(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    crate::markdown::shorten(&flat, max)
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
            bars(hostile, hostile, &[(hostile.into(), 3)]),
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
    fn many_bars_get_thinned_labels() {
        let many: Vec<(String, usize)> = (0..104).map(|i| (format!("w{i}"), i % 3)).collect();
        let svg = bars("t", "Incidents", &many);
        assert_eq!(svg.matches("<rect").count(), 104);
        assert!(
            svg.contains(">w103</text>"),
            "the last week is always labelled"
        );
        assert!(!svg.contains(">w102</text>"));
    }
}
