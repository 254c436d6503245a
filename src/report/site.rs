//! The pages of `coe site`: the index of every COE with its filters and offline search,
//! and the navigation around each page.
//!
//! Every text a person typed is HTML-escaped, and the index embedded in the page is JSON
//! with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`, so no text can close
//! the script element; the script only ever sets `textContent` and `hidden`.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;

use crate::model::coe::Coe;
use crate::model::is_placeholder;
use crate::output::markdown::{html_escape, html_page};
use crate::report::rollup::{category, factor_categories, services};

/// One COE in the search index.
#[derive(Debug, Serialize)]
pub struct Doc {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub started: String,
    pub services: Vec<String>,
    pub category: String,
    pub factors: Vec<String>,
}

/// The index the page searches: the COEs in list order, and for each word the COEs that
/// contain it.
#[derive(Debug, Serialize)]
pub struct Index {
    pub docs: Vec<Doc>,
    pub terms: BTreeMap<String, Vec<usize>>,
}

/// The page with the site's navigation at the top of `<main>`; `up` leads to the site root.
pub fn with_nav(page: &str, up: &str) -> String {
    let nav = format!(
        "<main>\n<nav class=\"site\"><a href=\"{up}index.html\">All COEs</a> · <a href=\"{up}report.html\">Report</a></nav>\n"
    );
    let page = page.replacen("<main>\n", &nav, 1);
    page.replacen(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        1,
    )
}

/// The words of `text` for the index: lowercase runs of letters and digits, two or more
/// characters long.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
}

/// Everything people wrote in a COE, for the search.
pub fn searchable(coe: &Coe) -> Vec<&str> {
    let mut texts: Vec<&str> = vec![&coe.id, &coe.title, &coe.leader, &coe.severity];
    texts.extend(coe.services.iter().map(String::as_str));
    texts.extend(coe.tags.iter().map(String::as_str));
    texts.extend(coe.incident_ref.as_deref());
    texts.push(&coe.what_happened.summary);
    texts.extend(coe.what_happened.timeline.iter().map(|e| e.event.as_str()));
    texts.extend([
        coe.impact.customers.as_str(),
        &coe.impact.business,
        &coe.impact.remediation,
        &coe.root_cause.summary,
        &coe.root_cause.category,
        &coe.implications.security,
        &coe.implications.other,
    ]);
    texts.extend(coe.root_cause.whys.iter().map(String::as_str));
    texts.extend(coe.data.iter().map(|d| d.description.as_str()));
    texts.extend(coe.lessons.iter().map(String::as_str));
    for a in &coe.corrective_actions {
        texts.extend([a.id.as_str(), &a.action, &a.owner]);
    }
    for f in &coe.contributing_factors {
        texts.extend([f.category.as_str(), &f.description]);
    }
    texts
}

pub fn index(coes: &[Coe], clock: &crate::model::times::Clock) -> Index {
    let mut terms: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, coe) in coes.iter().enumerate() {
        for text in searchable(coe) {
            for word in words(text) {
                terms.entry(word).or_default().insert(i);
            }
        }
    }
    Index {
        docs: coes
            .iter()
            .map(|c| Doc {
                id: c.id.clone(),
                title: c.title.clone(),
                severity: c.severity.clone(),
                status: c.status.to_string(),
                started: c.started_day(clock).to_string(),
                services: services(c).into_iter().map(str::to_string).collect(),
                category: category(c).unwrap_or_default().to_string(),
                factors: factor_categories(c)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            })
            .collect(),
        terms: terms
            .into_iter()
            .map(|(w, ids)| (w, ids.into_iter().collect()))
            .collect(),
    }
}

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` at all.
pub fn script_json(value: &impl Serialize) -> Result<String> {
    Ok(serde_json::to_string(value)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

pub fn options(name: &str, label: &str, values: BTreeSet<&str>) -> String {
    let mut out = format!("<label>{label} <select id=\"f-{name}\"><option value=\"\">any</option>");
    for v in values.into_iter().filter(|v| !is_placeholder(v)) {
        let v = html_escape(v);
        out.push_str(&format!("<option value=\"{v}\">{v}</option>"));
    }
    out.push_str("</select></label>\n");
    out
}

pub fn index_page(coes: &[Coe], config: &crate::model::policy::Config) -> String {
    let idx = index(coes, &config.clock());
    let mut body = String::from("<h1>COEs</h1>\n<form class=\"filters noprint\" onsubmit=\"return false\">\n<label>Search <input id=\"q\" type=\"search\" placeholder=\"any word: timeout, canary, team-payments\" autocomplete=\"off\"></label>\n");
    body.push_str(&options(
        "service",
        "Service",
        idx.docs
            .iter()
            .flat_map(|d| d.services.iter().map(String::as_str))
            .collect(),
    ));
    let mut severities: Vec<&str> = config.severities.iter().map(String::as_str).collect();
    for d in &idx.docs {
        if !severities.contains(&d.severity.as_str()) {
            severities.push(&d.severity);
        }
    }
    body.push_str("<label>Severity <select id=\"f-severity\"><option value=\"\">any</option>");
    for s in severities {
        let s = html_escape(s);
        body.push_str(&format!("<option value=\"{s}\">{s}</option>"));
    }
    body.push_str("</select></label>\n");
    body.push_str(&options(
        "status",
        "Status",
        idx.docs.iter().map(|d| d.status.as_str()).collect(),
    ));
    body.push_str(&options(
        "category",
        "Category",
        idx.docs
            .iter()
            .flat_map(|d| {
                std::iter::once(d.category.as_str()).chain(d.factors.iter().map(String::as_str))
            })
            .filter(|c| !c.is_empty())
            .collect(),
    ));
    body.push_str("</form>\n<p id=\"count\" class=\"footnote\"></p>\n");
    body.push_str("<table id=\"coes\">\n<thead><tr><th>Started</th><th>Title</th><th>Severity</th><th>Status</th><th>Services</th><th>Category</th></tr></thead>\n<tbody>\n");
    for d in &idx.docs {
        body.push_str(&format!(
            "<tr><td class=\"nw\">{}</td><td><a href=\"coes/{}.html\">{}</a></td><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"nw\">{}</td></tr>\n",
            html_escape(&d.started),
            html_escape(&d.id),
            html_escape(&d.title),
            html_escape(&d.severity),
            html_escape(&d.status),
            html_escape(&d.services.join(", ")),
            html_escape(&d.category),
        ));
    }
    body.push_str("</tbody>\n</table>\n");
    let json = script_json(&idx).unwrap_or_else(|_| "{\"docs\":[],\"terms\":{}}".into());
    body.push_str(&format!(
        "<script type=\"application/json\" id=\"coe-index\">{json}</script>\n<script>\n{SCRIPT}</script>\n"
    ));
    let page = html_page("COEs", &body);
    let page = page.replacen(
        "<main>\n",
        "<main>\n<nav class=\"site\"><a href=\"index.html\">All COEs</a> · <a href=\"report.html\">Report</a></nav>\n",
        1,
    );
    page.replacen(
        "<meta charset=\"utf-8\">",
        "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        1,
    )
}

/// The list's filters and search: every query word must prefix a word of the COE.
pub const SCRIPT: &str = r#"(function () {
  var idx = JSON.parse(document.getElementById('coe-index').textContent);
  var rows = document.querySelectorAll('#coes tbody tr');
  var q = document.getElementById('q');
  var count = document.getElementById('count');
  var terms = Object.keys(idx.terms);
  function pick(name) { return document.getElementById('f-' + name).value; }
  function search(text) {
    var words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; });
    var hits = null;
    words.forEach(function (w) {
      var found = {};
      terms.forEach(function (t) {
        if (t.indexOf(w) === 0) { idx.terms[t].forEach(function (i) { found[i] = true; }); }
      });
      if (hits === null) { hits = found; } else {
        Object.keys(hits).forEach(function (i) { if (!found[i]) { delete hits[i]; } });
      }
    });
    return hits;
  }
  function update() {
    var hits = search(q.value);
    var service = pick('service'), severity = pick('severity'), status = pick('status'), category = pick('category');
    var shown = 0;
    idx.docs.forEach(function (d, i) {
      var ok = (hits === null || hits[i]) &&
        (!service || d.services.indexOf(service) >= 0) &&
        (!severity || d.severity === severity) &&
        (!status || d.status === status) &&
        (!category || d.category === category || d.factors.indexOf(category) >= 0);
      rows[i].hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + ' of ' + idx.docs.length + ' COEs';
  }
  var params = new URLSearchParams(location.search);
  if (params.get('q')) { q.value = params.get('q'); }
  ['service', 'severity', 'status', 'category'].forEach(function (name) {
    if (params.get(name)) { document.getElementById('f-' + name).value = params.get(name); }
    document.getElementById('f-' + name).addEventListener('change', update);
  });
  q.addEventListener('input', update);
  update();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_escapes_what_would_close_the_script() {
        let json = script_json(&serde_json::json!({"t": "</script><b>&amp;"})).unwrap();
        assert_eq!(
            json,
            r#"{"t":"\u003c/script\u003e\u003cb\u003e\u0026amp;"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], "</script><b>&amp;");
    }

    #[test]
    fn words_are_lowercase_runs_of_two_or_more() {
        let w: Vec<String> = words("Canary-stage I/O: Zürich 3-D x").collect();
        assert_eq!(w, ["canary", "stage", "zürich"]);
    }
}
