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

use super::svg;
use super::view::Period;
use super::view::Report;
use crate::output::markdown;
use crate::output::templates;

/// The report template's name.
pub const TEMPLATE: &str = "report.md.j2";

/// The built-in report template.
pub const BUILT_IN: &[(&str, &str)] = &[(TEMPLATE, include_str!("../../templates/report.md.j2"))];

/// The label shown for incidents without a category or service.
const NOT_SET: &str = "(not set)";

/// Where an incident's title links to: `{prefix}{id}{suffix}`, relative to the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoeLink {
    prefix: String,
    suffix: String,
}

impl CoeLink {
    /// The COE's YAML file, `dir/ID.yaml`, for a report written at the repository root.
    /// `dir` is the COE directory relative to the root.
    pub fn yaml(dir: &Path) -> CoeLink {
        let parts: Vec<String> = dir
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        CoeLink {
            prefix: parts.iter().map(|p| format!("{p}/")).collect(),
            suffix: ".yaml".into(),
        }
    }

    /// The COE's page in a site written by `coe site`: `coes/ID.html`.
    pub fn site() -> CoeLink {
        CoeLink {
            prefix: "coes/".into(),
            suffix: ".html".into(),
        }
    }

    /// The link for `id`, when the id is a plain file name (a hostile id gets no link).
    pub fn href(&self, id: &str) -> Option<String> {
        let plain = !id.is_empty()
            && !id.starts_with('.')
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        let prefix_ok = self
            .prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        (plain && prefix_ok).then(|| format!("{}{id}{}", self.prefix, self.suffix))
    }
}

/// The report as Markdown. `repo_root` is where template overrides are looked up; titles
/// link through `link` when given.
pub fn markdown(
    report: &Report,
    repo_root: Option<&Path>,
    link: Option<&CoeLink>,
) -> Result<String> {
    render_template(report, repo_root, None, link)
}

/// The report as a self-contained HTML page with inline SVG charts.
pub fn html(report: &Report, repo_root: Option<&Path>, link: Option<&CoeLink>) -> Result<String> {
    let nonce = nonce();
    let markers = Markers {
        categories: format!("coechart{nonce}categories"),
        incidents: format!("coechart{nonce}incidents"),
        times: format!("coechart{nonce}times"),
    };
    let md = render_template(report, repo_root, Some(&markers), link)?;
    let mut body = markdown::to_html_fragment(&md);
    let window = window_text(report);
    let labels = trend_labels(report);
    let noun = period_noun(report);
    let charts = [
        (
            &markers.categories,
            svg::pie(
                &format!("Root-cause categories, {window}"),
                &category_slices(report),
            ),
        ),
        (
            &markers.incidents,
            svg::stacked_bars(
                &format!("Incidents per {noun} by severity"),
                "Incidents",
                &labels,
                &severity_series(report),
            ),
        ),
        (
            &markers.times,
            svg::lines(
                &format!("Median minutes to detect and to mitigate, per {noun}"),
                "Minutes",
                &labels,
                &[
                    (
                        "Time to detect".to_string(),
                        report
                            .trends
                            .buckets
                            .iter()
                            .map(|b| b.median_minutes_to_detect)
                            .collect(),
                    ),
                    (
                        "Time to mitigate".to_string(),
                        report
                            .trends
                            .buckets
                            .iter()
                            .map(|b| b.median_minutes_to_mitigate)
                            .collect(),
                    ),
                ],
            ),
        ),
    ];
    for (marker, chart) in charts {
        body = body.replace(
            &format!("<p>{marker}</p>"),
            &format!("<figure class=\"chart\">{chart}</figure>"),
        );
    }
    Ok(markdown::html_page(
        &format!("COE report, {window}"),
        &markdown::nowrap_short_cells(&body),
    ))
}

/// The report as pretty-printed JSON (the [`Report`] type, documented in the README).
pub fn json(report: &Report) -> Result<String> {
    Ok(crate::output::ui::json(report)?)
}

/// Placeholders standing where the HTML charts go.
struct Markers {
    categories: String,
    incidents: String,
    times: String,
}

/// Chart data for the template.
#[derive(Serialize)]
struct Charts<'a> {
    /// True when rendering for HTML: the template writes the markers instead of Mermaid.
    svg: bool,
    categories_marker: &'a str,
    incidents_marker: &'a str,
    times_marker: &'a str,
    /// The window's categories: label and incidents.
    categories: Vec<Bar>,
    /// `month` or `quarter`.
    period: &'static str,
    /// The trend's labels (`Nov 2026`, `Q4 2026`).
    labels: Vec<String>,
    /// Cumulative incidents per bucket, most severe first: series k counts severities 0..=k,
    /// so drawing them from the last to the first stacks them in Mermaid.
    stacked: Vec<Series>,
    /// The largest bucket (at least 1), for the Mermaid y axis.
    incidents_max: usize,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    incidents: usize,
}

#[derive(Serialize)]
struct Series {
    name: String,
    values: Vec<usize>,
}

fn render_template(
    report: &Report,
    repo_root: Option<&Path>,
    markers: Option<&Markers>,
    link: Option<&CoeLink>,
) -> Result<String> {
    let mut env = templates::environment(repo_root, BUILT_IN);
    env.add_filter("mermaid", |v: Value| {
        Value::from_safe_string(mermaid_label(&crate::output::templates::display(&v)))
    });
    env.add_filter("cell_link", |label: Value, target: Value| {
        Value::from_safe_string(cell_link(
            &crate::output::templates::display(&label),
            &crate::output::templates::display(&target),
        ))
    });
    let link = link.cloned();
    env.add_filter("coe_link", move |label: Value, id: Value| {
        let label = crate::output::templates::display(&label);
        let id = crate::output::templates::display(&id);
        Value::from_safe_string(match link.as_ref().and_then(|l| l.href(&id)) {
            Some(href) => format!("[{}](<{href}>)", markdown::cell(&label)),
            None => markdown::cell(&label),
        })
    });
    let bars = |rows: Vec<(String, usize)>| {
        rows.into_iter()
            .map(|(label, incidents)| Bar { label, incidents })
            .collect()
    };
    let mut running = vec![0usize; report.trends.buckets.len()];
    let stacked = severity_series(report)
        .into_iter()
        .map(|(name, values)| {
            for (r, v) in running.iter_mut().zip(values) {
                *r += v;
            }
            Series {
                name,
                values: running.clone(),
            }
        })
        .collect();
    let charts = Charts {
        svg: markers.is_some(),
        categories_marker: markers.map_or("", |m| &m.categories),
        incidents_marker: markers.map_or("", |m| &m.incidents),
        times_marker: markers.map_or("", |m| &m.times),
        categories: bars(category_slices(report)),
        period: period_noun(report),
        labels: trend_labels(report),
        stacked,
        incidents_max: report
            .trends
            .buckets
            .iter()
            .map(|b| b.incidents)
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
            ratio => report.impact.customer_minutes_per_impact_minute.map(|r| {
                let tenths = (r * 10.0).round() as i64;
                match tenths % 10 {
                    0 => templates::thousands(tenths / 10),
                    d => format!("{}.{d}", templates::thousands(tenths / 10)),
                }
            }),
            weights => report
                .impact
                .weights
                .iter()
                .map(|(severity, weight)| format!("{severity} {weight}"))
                .collect::<Vec<_>>()
                .join(", "),
        },
    )
}

fn period_noun(report: &Report) -> &'static str {
    match report.trends.period {
        Period::Month => "month",
        Period::Quarter => "quarter",
    }
}

fn trend_labels(report: &Report) -> Vec<String> {
    report
        .trends
        .buckets
        .iter()
        .map(|b| b.label.clone())
        .collect()
}

/// Incidents per bucket for each severity with any, configured ones first in order (as
/// the summary lists them), then others by name.
fn severity_series(report: &Report) -> Vec<(String, Vec<usize>)> {
    let mut names: Vec<&str> = Vec::new();
    for b in &report.trends.buckets {
        for x in &b.by_severity {
            if !names.contains(&x.severity.as_str()) {
                names.push(&x.severity);
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let values: Vec<usize> = report
                .trends
                .buckets
                .iter()
                .map(|b| {
                    b.by_severity
                        .iter()
                        .find(|x| x.severity == name)
                        .map_or(0, |x| x.incidents)
                })
                .collect();
            (name.to_string(), values)
        })
        .filter(|(_, values)| values.iter().any(|v| *v > 0))
        .collect()
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
    crate::output::markdown::shorten(out.trim_end(), 40)
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
