//! The executive summary at the top of the report: a few sentences generated from the
//! figures, so a manager reads the week in ten seconds. Plain text; the renderer escapes it.

use std::collections::BTreeMap;

use super::impact::Measure;
use super::view::Report;
use crate::model::plural;
use crate::output::templates::thousands;

/// The sentences, most important first.
pub fn sentences(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    let s = &report.summary;
    let period = period(report);
    if s.incidents == 0 {
        out.push(format!("No incidents started {period}."));
    } else {
        let severities: Vec<String> = s
            .by_severity
            .iter()
            .filter(|x| x.incidents > 0)
            .map(|x| format!("{} {}", x.incidents, x.severity))
            .collect();
        out.push(format!(
            "{} {period}: {}.",
            capitalise(&plural(s.incidents, "incident", "incidents")),
            join(&severities)
        ));
        if let Some(sentence) = concentration(report) {
            out.push(sentence);
        }
        if let Some(top) = report.incidents.first().filter(|i| i.impact.is_some()) {
            let how = match top.measure {
                Measure::CustomerMinutes => format!(
                    "{} customer-minutes",
                    thousands(top.customer_minutes.unwrap_or(0) as i64)
                ),
                _ => format!(
                    "{} impact-minutes, no customer count",
                    thousands(top.impact_minutes.unwrap_or(0.0).round() as i64)
                ),
            };
            if s.incidents > 1 {
                out.push(format!(
                    "The most customer pain: “{}” ({}, {how}).",
                    top.title.trim(),
                    top.severity
                ));
            }
        }
        out.push(match s.customers_affected {
            None => "The number of customers affected is not known for any of them.".into(),
            Some(n) if s.incidents_without_customer_count == 0 => {
                format!("{} customers were affected.", thousands(n as i64))
            }
            Some(n) => format!(
                "At least {} customers were affected; the count is unknown for {}.",
                thousands(n as i64),
                plural(s.incidents_without_customer_count, "incident", "incidents")
            ),
        });
    }
    let again: Vec<&str> = report
        .recurrences
        .after_fix
        .iter()
        .filter(|r| r.in_window)
        .map(|r| r.incident.as_str())
        .collect();
    if !again.is_empty() {
        out.push(format!(
            "{} happened again after the fix of an earlier incident was done: {}.",
            capitalise(&plural(again.len(), "incident", "incidents")),
            join(&again.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        ));
    }
    out.push(overdue_actions(report));
    if s.overdue > 0 {
        out.push(format!(
            "{} past due: incomplete {} days after the incident.",
            capitalise(&plural(s.overdue, "COE is", "COEs are")),
            s.due_days
        ));
    }
    out
}

/// "this week" for the last seven days to today, else the dates.
fn period(report: &Report) -> String {
    let w = &report.window;
    if w.days == 7 && w.until == report.today {
        "this week".into()
    } else if w.since == w.until {
        format!("on {}", w.since)
    } else {
        format!("from {} to {}", w.since, w.until)
    }
}

/// "2 of them were configuration problems on checkout." when a category and service come
/// up more than once in the window; else the most common category when it does.
fn concentration(report: &Report) -> Option<String> {
    let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &report.incidents {
        let Some(c) = i.category.as_deref() else {
            continue;
        };
        *categories.entry(c).or_default() += 1;
        for s in &i.services {
            *pairs.entry((c, s)).or_default() += 1;
        }
    }
    // Largest count; on a tie the first by name (BTreeMap order).
    let top = |counts: Vec<(usize, String)>| {
        counts
            .into_iter()
            .fold(None::<(usize, String)>, |best, (n, what)| match best {
                Some((m, _)) if m >= n => best,
                _ => Some((n, what)),
            })
            .filter(|(n, _)| *n > 1)
    };
    let n = report.incidents.len();
    let all = if n == 2 { "Both" } else { "All" };
    let lead = |k: usize| {
        if k == n {
            all.to_string()
        } else {
            format!("{k} of them")
        }
    };
    if let Some((k, what)) = top(pairs
        .iter()
        .map(|((c, s), n)| (*n, format!("{c} problems on {s}")))
        .collect())
    {
        return Some(format!("{} were {what}.", lead(k)));
    }
    top(categories
        .iter()
        .map(|(c, n)| (*n, format!("{c} problems")))
        .collect())
    .map(|(k, what)| format!("{} were {what}.", lead(k)))
}

fn overdue_actions(report: &Report) -> String {
    let overdue = &report.actions.overdue;
    if overdue.is_empty() {
        return "No corrective action is overdue.".into();
    }
    let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
    for a in overdue {
        *owners.entry(a.owner.as_str()).or_default() += 1;
    }
    let (owner, most) = owners.iter().fold(
        ("", 0),
        |best, (o, n)| if *n > best.1 { (o, *n) } else { best },
    );
    let mut sentence = format!(
        "{} overdue",
        capitalise(&plural(
            overdue.len(),
            "corrective action is",
            "corrective actions are"
        ))
    );
    if overdue.len() > 1 && most > 1 && !owner.is_empty() {
        sentence.push_str(&format!(", {most} of them owned by {owner}"));
    }
    sentence.push('.');
    sentence
}

fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
