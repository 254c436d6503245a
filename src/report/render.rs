//! The report's three formats.
//!
//! - Markdown: the `report.md.j2` template (overridable in `.coe/templates/`), with Mermaid
//!   charts that GitHub renders.
//! - HTML: the same template rendered to HTML by comrak (raw HTML disabled), then each chart
//!   placeholder paragraph replaced by an inline SVG. The placeholders carry a random nonce
//!   drawn for each render, so no text a user typed can forge one.
//! - JSON: the [`Report`] itself.

use std::path::Path;

use anyhow::Result;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::rollup::Report;
use super::svg;
use crate::{markdown, templates};

/// The report template's name.
pub const TEMPLATE: &str = "report.md.j2";

/// The built-in report template.
pub const BUILT_IN: &[(&str, &str)] = &[(TEMPLATE, include_str!("../../templates/report.md.j2"))];

/// The label shown for incidents without a category or service.
const NOT_SET: &str = "(not set)";

/// The report as Markdown. `repo_root` is where template overrides are looked up.
pub fn markdown(report: &Report, repo_root: Option<&Path>) -> Result<String> {
    render_template(report, repo_root, None)
}

/// The report as a self-contained HTML page with inline SVG charts.
pub fn html(report: &Report, repo_root: Option<&Path>) -> Result<String> {
    let nonce = nonce();
    let markers = Markers {
        categories: format!("coechart{nonce}categories"),
        weekly: format!("coechart{nonce}weekly"),
    };
    let md = render_template(report, repo_root, Some(&markers))?;
    let mut body = markdown::to_html_fragment(&md);
    let window = window_text(report);
    let charts = [
        (
            &markers.categories,
            svg::pie(
                &format!("Root-cause categories, {window}"),
                &category_slices(report),
            ),
        ),
        (
            &markers.weekly,
            svg::bars(
                &format!("Incidents per week, to {}", report.window.until),
                "Incidents",
                &week_bars(report),
            ),
        ),
    ];
    for (marker, chart) in charts {
        body = body.replace(
            &format!("<p>{marker}</p>"),
            &format!("<figure class=\"chart\">{chart}</figure>"),
        );
    }
    Ok(markdown::html_page(&format!("COE report, {window}"), &body))
}

/// The report as pretty-printed JSON (the [`Report`] type, documented in the README).
pub fn json(report: &Report) -> Result<String> {
    Ok(crate::ui::json(report)?)
}

/// Placeholders standing where the HTML charts go.
struct Markers {
    categories: String,
    weekly: String,
}

/// Chart data for the template.
#[derive(Serialize)]
struct Charts<'a> {
    /// True when rendering for HTML: the template writes the markers instead of Mermaid.
    svg: bool,
    categories_marker: &'a str,
    weekly_marker: &'a str,
    /// The window's categories: label and incidents.
    categories: Vec<Bar>,
    /// Incidents per week: label (the week's first day, MM-DD) and incidents.
    weeks: Vec<Bar>,
    /// The largest weekly count (at least 1), for the Mermaid y axis.
    weekly_max: usize,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    incidents: usize,
}

fn render_template(
    report: &Report,
    repo_root: Option<&Path>,
    markers: Option<&Markers>,
) -> Result<String> {
    let mut env = templates::environment(repo_root, BUILT_IN);
    env.add_filter("mermaid", |v: Value| {
        Value::from_safe_string(mermaid_label(&crate::templates::display(&v)))
    });
    env.add_filter("cell_link", |label: Value, target: Value| {
        Value::from_safe_string(cell_link(
            &crate::templates::display(&label),
            &crate::templates::display(&target),
        ))
    });
    let bars = |rows: Vec<(String, usize)>| {
        rows.into_iter()
            .map(|(label, incidents)| Bar { label, incidents })
            .collect()
    };
    let charts = Charts {
        svg: markers.is_some(),
        categories_marker: markers.map_or("", |m| &m.categories),
        weekly_marker: markers.map_or("", |m| &m.weekly),
        categories: bars(category_slices(report)),
        weeks: bars(week_bars(report)),
        weekly_max: report
            .weekly
            .iter()
            .map(|w| w.incidents)
            .max()
            .unwrap_or(0)
            .max(1),
    };
    templates::render(
        &env,
        TEMPLATE,
        minijinja::context! {
            report => Serde(report),
            charts => Serde(&charts),
            not_set => NOT_SET,
        },
    )
}

fn window_text(report: &Report) -> String {
    format!("{} to {}", report.window.since, report.window.until)
}

fn category_slices(report: &Report) -> Vec<(String, usize)> {
    report
        .root_causes
        .window
        .by_category
        .iter()
        .map(|row| {
            (
                row.name.clone().unwrap_or_else(|| NOT_SET.to_string()),
                row.incidents,
            )
        })
        .collect()
}

fn week_bars(report: &Report) -> Vec<(String, usize)> {
    report
        .weekly
        .iter()
        .map(|w| (w.since.strftime("%m-%d").to_string(), w.incidents))
        .collect()
}

/// Text safe inside a quoted Mermaid label: one line, no quotes, no characters Mermaid or
/// the surrounding code fence give meaning to, at most 40 characters.
pub fn mermaid_label(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = match c {
            '"' => '\'',
            '`' | '<' | '>' | '#' | ';' | '{' | '}' | '[' | ']' | '\\' | '%' => ' ',
            c if c.is_control() => ' ',
            c => c,
        };
        if !(c == ' ' && (out.is_empty() || out.ends_with(' '))) {
            out.push(c);
        }
    }
    crate::markdown::shorten(out.trim_end(), 40)
}

/// A link for a table cell: like `markdown::link`, with `|` in the address encoded so it
/// cannot end the cell.
pub fn cell_link(label: &str, target: &str) -> String {
    match markdown::safe_url(target) {
        Some(url) => format!(
            "[{}](<{}>)",
            markdown::cell(if label.trim().is_empty() {
                target
            } else {
                label
            }),
            url.replace('|', "%7C")
        ),
        None => markdown::cell(label),
    }
}

/// 128 bits from the standard library's randomly keyed hasher: unpredictable enough that
/// text in a COE cannot contain the placeholder it will be rendered next to.
fn nonce() -> String {
    use std::hash::{BuildHasher, Hasher};
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    (0..2u8)
        .map(|i| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u8(i);
            hasher.write_u128(time);
            format!("{:016x}", hasher.finish())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_cannot_break_out() {
        assert_eq!(mermaid_label("a\"b`c\n```\nd"), "a'b c d");
        assert_eq!(mermaid_label("#quot; <br> x;y"), "quot br x y");
        assert_eq!(mermaid_label(&"x".repeat(50)).chars().count(), 40);
    }

    #[test]
    fn cell_links_stay_in_their_cell() {
        assert_eq!(
            cell_link("a|b", "https://x.example/?q=a|b"),
            "[a\\|b](<https://x.example/?q=a%7Cb>)"
        );
        assert_eq!(cell_link("x", "javascript:alert(1)"), "x");
    }

    #[test]
    fn nonces_differ() {
        let (a, b) = (nonce(), nonce());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
