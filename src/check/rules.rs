//! The per-COE rules of `coe check`: pure functions of one parsed COE, its file name, the
//! configuration and today's date. Line numbers are added by the caller, from the field
//! path each issue names.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{Rule, Severity};
use crate::model::blame;
use crate::model::coe::Coe;
use crate::model::dates::days_between;
use crate::model::is_placeholder;
use crate::model::kinds::ActionKind;
use crate::model::kinds::Status;
use crate::model::plural;
use crate::model::policy::Config;
use crate::model::questions;

/// A problem with one COE, before it is placed in a file and on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The rule that found it.
    pub rule: Rule,
    /// How much it matters.
    pub severity: Severity,
    /// What is wrong, and how to fix it.
    pub message: String,
    /// The dotted path of the field.
    pub field: Option<String>,
    /// Text to look for inside the field's value, to point at the right line of a block.
    pub needle: Option<String>,
    /// The one-line message for all of this COE's findings of this rule together (the
    /// `incomplete` errors: every unanswered question on one line).
    pub summary: Option<String>,
}

impl Issue {
    fn new(rule: Rule, severity: Severity, field: Option<&str>, message: String) -> Issue {
        Issue {
            rule,
            severity,
            message,
            field: field.map(String::from),
            needle: None,
            summary: None,
        }
    }
}

/// Runs every per-COE rule. `file_name` is the file's name (`<id>.yaml`).
pub fn check_coe(coe: &Coe, file_name: &str, config: &Config, today: Date) -> Vec<Issue> {
    Rules::new(config, today).check(coe, file_name)
}

/// The per-COE rules, prepared once for a run over many COEs.
#[derive(Debug, Clone)]
pub struct Rules<'c> {
    config: &'c Config,
    today: Date,
    blame_terms: blame::Terms,
}

impl<'c> Rules<'c> {
    /// The rules for this configuration, on `today`.
    pub fn new(config: &'c Config, today: Date) -> Rules<'c> {
        Rules {
            config,
            today,
            blame_terms: blame::Terms::new(&config.blame_terms),
        }
    }

    /// Runs every per-COE rule. `file_name` is the file's name (`<id>.yaml`).
    pub fn check(&self, coe: &Coe, file_name: &str) -> Vec<Issue> {
        let (config, today) = (self.config, self.today);
        let mut issues = Vec::new();
        identity(coe, file_name, &mut issues);
        incident_times(coe, &mut issues);
        timeline_order(coe, &mut issues);
        configured_values(coe, config, &mut issues);
        action_ids(coe, &mut issues);
        completeness(coe, config, today, &mut issues);
        blame_language(coe, &self.blame_terms, &mut issues);
        overdue_actions(coe, config, today, &mut issues);
        done_dates(coe, &mut issues);
        empty_items(coe, &mut issues);
        links(coe, &mut issues);
        remediation(coe, &mut issues);
        prevention(coe, &mut issues);
        approvals(coe, config, &mut issues);
        issues
    }
}

/// `id`: the id is valid; `file-name`: the file is `<id>.yaml`.
fn identity(coe: &Coe, file_name: &str, issues: &mut Vec<Issue>) {
    if let Some(problem) = crate::model::ids::id_problem(&coe.id) {
        issues.push(Issue::new(Rule::Id, Severity::Error, Some("id"), problem));
        return;
    }
    let expected = format!("{}.yaml", coe.id);
    if file_name != expected {
        issues.push(Issue::new(
            Rule::FileName,
            Severity::Error,
            Some("id"),
            format!(
                "the file name `{file_name}` does not match the id `{}`; rename the file to \
                 `{expected}` (or correct the id)",
                coe.id
            ),
        ));
    }
}

/// `incident-times`: started <= detected <= mitigated <= resolved, for the times given.
fn incident_times(coe: &Coe, issues: &mut Vec<Issue>) {
    let inc = &coe.incident;
    let mut latest = ("started", &inc.started);
    for (name, stamp) in [
        ("detected", &inc.detected),
        ("mitigated", &inc.mitigated),
        ("resolved", &inc.resolved),
    ] {
        let Some(stamp) = stamp else { continue };
        if stamp.at() < latest.1.at() {
            issues.push(Issue::new(
                Rule::IncidentTimes,
                Severity::Error,
                Some(&format!("incident.{name}")),
                format!(
                    "incident.{name} ({stamp}) is earlier than incident.{} ({}); the times must \
                     be in order: started, detected, mitigated, resolved",
                    latest.0, latest.1
                ),
            ));
        } else {
            latest = (name, stamp);
        }
    }
}

/// `timeline-order`: each timeline entry is not before the one above it.
fn timeline_order(coe: &Coe, issues: &mut Vec<Issue>) {
    let timeline = &coe.what_happened.timeline;
    for (i, pair) in timeline.windows(2).enumerate() {
        let (before, after) = (&pair[0], &pair[1]);
        if after.at.at() < before.at.at() {
            issues.push(Issue::new(
                Rule::TimelineOrder,
                Severity::Error,
                Some(&format!("what_happened.timeline[{}].at", i + 1)),
                format!(
                    "timeline entry {} ({}) is earlier than entry {} above it ({}); keep the \
                     timeline in time order",
                    i + 2,
                    after.at,
                    i + 1,
                    before.at
                ),
            ));
        }
    }
}

/// `severity` and `category`: values from the configured lists. An empty or placeholder
/// value is a missing answer (see `completeness`), not an invalid one.
fn configured_values(coe: &Coe, config: &Config, issues: &mut Vec<Issue>) {
    for (rule, field, value, allowed, what) in [
        (
            Rule::Severity,
            "severity".to_string(),
            &coe.severity,
            &config.severities,
            "severities",
        ),
        (
            Rule::Category,
            "root_cause.category".to_string(),
            &coe.root_cause.category,
            &config.categories,
            "categories",
        ),
    ]
    .into_iter()
    .chain(coe.contributing_factors.iter().enumerate().map(|(i, f)| {
        (
            Rule::Category,
            format!("contributing_factors[{i}].category"),
            &f.category,
            &config.categories,
            "categories",
        )
    })) {
        if is_placeholder(value) || allowed.is_empty() || allowed.contains(value) {
            continue;
        }
        issues.push(Issue::new(
            rule,
            Severity::Error,
            Some(&field),
            format!(
                "`{value}` is not one of the configured {what}: {}",
                allowed.join(", ")
            ),
        ));
    }
}

/// `duplicate-action-id`: corrective action ids are unique within the COE.
fn action_ids(coe: &Coe, issues: &mut Vec<Issue>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, ca) in coe.corrective_actions.iter().enumerate() {
        let id = ca.id.trim();
        if is_placeholder(id) {
            continue;
        }
        match first.get(id) {
            Some(&earlier) => issues.push(Issue::new(
                Rule::DuplicateActionId,
                Severity::Error,
                Some(&format!("corrective_actions[{i}].id")),
                format!(
                    "corrective action id `{id}` is also used by corrective action {}; give \
                     each action its own id",
                    earlier + 1
                ),
            )),
            None => {
                first.insert(id, i);
            }
        }
    }
}

/// `incomplete`, `whys` and `security`.
///
/// A COE past its due date, or closed, must be complete: one error per missing field.
/// Within the window an incomplete COE is one note, plus warnings for the two answers a
/// team most often skips (whys and security).
fn completeness(coe: &Coe, config: &Config, today: Date, issues: &mut Vec<Issue>) {
    struct Gap {
        field: String,
        what: String,
        question: Option<&'static questions::Question>,
    }
    let mut gaps: Vec<Gap> = Vec::new();
    if is_placeholder(&coe.severity) {
        gaps.push(Gap {
            field: "severity".into(),
            what: if config.severities.is_empty() {
                "a severity".into()
            } else {
                format!("a severity ({})", config.severities.join(", "))
            },
            question: None,
        });
    }
    gaps.extend(coe.missing(config).into_iter().map(|m| Gap {
        field: m.field,
        what: m.what,
        question: Some(m.question),
    }));

    let due = coe.due_date(config);
    let past_due = today > due;
    let closed = coe.status == Status::Closed;
    if !gaps.is_empty() {
        if closed || past_due {
            let why = if closed {
                "the COE is closed, so it must be complete".to_string()
            } else {
                let late = days_between(today, due);
                format!(
                    "the COE was due on {due}, {} ago",
                    plural(usize::try_from(late).unwrap_or(0), "day", "days")
                )
            };
            let summary = {
                let shown: Vec<String> =
                    gaps.iter().map(|g| display_field(coe, &g.field)).collect();
                let fields: Vec<(Option<u8>, &str)> = gaps
                    .iter()
                    .zip(&shown)
                    .map(|(g, shown)| (g.question.map(|q| q.number), shown.as_str()))
                    .collect();
                let short_why = if closed {
                    "the COE is closed, so it must be complete".to_string()
                } else {
                    let late = days_between(today, due);
                    format!(
                        "due {due}, {} ago",
                        plural(usize::try_from(late).unwrap_or(0), "day", "days")
                    )
                };
                format!("{}; {short_why}", unanswered(&fields))
            };
            for gap in &gaps {
                let subject = match gap.question {
                    Some(q) => format!("question {} ({})", q.number, q.short.to_lowercase()),
                    None => "the COE".into(),
                };
                let mut issue = Issue::new(
                    Rule::Incomplete,
                    Severity::Error,
                    Some(&gap.field),
                    format!("{subject} needs {}; {why}", gap.what),
                );
                issue.summary = Some(summary.clone());
                issues.push(issue);
            }
        } else {
            let mut numbers: Vec<u8> = gaps
                .iter()
                .filter_map(|g| g.question.map(|q| q.number))
                .collect();
            numbers.dedup();
            let mut parts = Vec::new();
            if gaps.iter().any(|g| g.question.is_none()) {
                parts.push("the severity is not set".to_string());
            }
            if !numbers.is_empty() {
                let list: Vec<String> = numbers.iter().map(u8::to_string).collect();
                parts.push(match list.as_slice() {
                    [one] => format!("question {one} is unanswered"),
                    [init @ .., last] => {
                        format!("questions {} and {last} are unanswered", init.join(", "))
                    }
                    [] => unreachable!("numbers is not empty"),
                });
            }
            let left = days_between(due, today);
            let when = match left {
                0 => "today".to_string(),
                n => format!(
                    "in {}",
                    plural(usize::try_from(n).unwrap_or(0), "day", "days")
                ),
            };
            issues.push(Issue::new(
                Rule::Incomplete,
                Severity::Note,
                None,
                format!(
                    "not complete yet: {}; it is due on {due}, {when}",
                    parts.join(" and ")
                ),
            ));
            // Within the window, nag only about questions the author has started: a fresh
            // pager skeleton is not a finding, even with --strict.
            let root_cause_started = !is_placeholder(&coe.root_cause.summary);
            let past_question_5 = !coe.lessons.is_empty()
                || !coe.corrective_actions.is_empty()
                || coe.status != Status::Draft;
            if root_cause_started && gaps.iter().any(|g| g.field == "root_cause.whys") {
                let have = coe
                    .root_cause
                    .whys
                    .iter()
                    .filter(|w| !is_placeholder(w))
                    .count();
                issues.push(Issue::new(
                    Rule::Whys,
                    Severity::Warning,
                    Some("root_cause.whys"),
                    format!(
                        "the root cause has {} of the {} required; keep asking \"why?\" until you \
                         reach something the system can change",
                        plural(have, "why", "whys"),
                        config.min_whys
                    ),
                ));
            }
            if past_question_5 && gaps.iter().any(|g| g.field == "implications.security") {
                issues.push(Issue::new(
                    Rule::Security,
                    Severity::Warning,
                    Some("implications.security"),
                    "the security implications are not stated; always consider security, even \
                     when the answer is \"None, because ...\""
                        .into(),
                ));
            }
        }
    }
}

/// The free-text answers of a COE, with their field paths: the title, then every text
/// answer of the seven questions (derived from the questions' table).
pub fn free_text(coe: &Coe) -> Vec<(String, &str)> {
    let mut texts = vec![("title".to_string(), coe.title.as_str())];
    texts.extend(crate::model::questions::free_text(coe));
    texts
}

/// `blame`: configured blame phrases in any free-text answer.
fn blame_language(coe: &Coe, terms: &blame::Terms, issues: &mut Vec<Issue>) {
    if terms.is_empty() {
        return;
    }
    let mut scratch = String::new();
    for (field, text) in free_text(coe) {
        for term in terms.find(text, &mut scratch) {
            issues.push(Issue {
                rule: Rule::Blame,
                severity: Severity::Warning,
                message: format!(
                    "blame language \"{}\": {}",
                    term.phrase,
                    blame::suggestion(&term.phrase)
                ),
                field: Some(field.clone()),
                needle: Some(term.phrase.clone()),
                summary: None,
            });
        }
    }
}

/// `overdue-action`: open corrective actions past their due date, or, without one, past
/// the default deadline of `action_due_days`.
fn overdue_actions(coe: &Coe, config: &Config, today: Date, issues: &mut Vec<Issue>) {
    for (i, ca) in coe.corrective_actions.iter().enumerate() {
        let Some(due) = coe.action_due(ca, config) else {
            continue;
        };
        if ca.status != crate::model::kinds::ActionStatus::Open || due >= today {
            continue;
        }
        let late = crate::model::dates::days_between(today, due);
        let due = match ca.due {
            Some(_) => format!("due on {due}"),
            None => format!("due on {due} by action_due_days"),
        };
        let late = usize::try_from(late).unwrap_or(0);
        let name = if is_placeholder(&ca.id) {
            format!("corrective action {}", i + 1)
        } else {
            format!("corrective action {}", ca.id.trim())
        };
        let owner = if is_placeholder(&ca.owner) {
            "no owner".to_string()
        } else {
            format!("owner {}", ca.owner.trim())
        };
        issues.push(Issue::new(
            Rule::OverdueAction,
            Severity::Warning,
            Some(&format!("corrective_actions[{i}].due")),
            format!(
                "{name} is {} late: {due} and still open ({owner})",
                plural(late, "day", "days")
            ),
        ));
    }
}

/// `questions 2 (impact.customers, impact.business) and 7 (corrective_actions) unanswered`,
/// from each missing field and the number of its question (`None`: the severity).
pub fn unanswered(fields: &[(Option<u8>, &str)]) -> String {
    let mut parts = Vec::new();
    if fields.iter().any(|(q, _)| q.is_none()) {
        parts.push("the severity is not set".to_string());
    }
    let mut questions: Vec<(u8, Vec<&str>)> = Vec::new();
    for &(number, field) in fields {
        let Some(number) = number else { continue };
        match questions.iter_mut().find(|(n, _)| *n == number) {
            Some((_, list)) => list.push(field),
            None => questions.push((number, vec![field])),
        }
    }
    questions.sort_by_key(|(n, _)| *n);
    let listed: Vec<String> = questions
        .iter()
        .map(|(n, list)| format!("{n} ({})", list.join(", ")))
        .collect();
    match listed.as_slice() {
        [] => {}
        [one] => parts.push(format!("question {one} unanswered")),
        [init @ .., last] => parts.push(format!(
            "questions {} and {last} unanswered",
            init.join(", ")
        )),
    }
    parts.join("; ")
}

/// `done-date`: a done corrective action says when it was done, so reports count it in
/// the right week and can tell when an incident happened again after its fix.
fn done_dates(coe: &Coe, issues: &mut Vec<Issue>) {
    for (i, ca) in coe.corrective_actions.iter().enumerate() {
        if ca.status == crate::model::kinds::ActionStatus::Done && ca.done.is_none() {
            let name = if is_placeholder(&ca.id) {
                format!("{}", i + 1)
            } else {
                ca.id.trim().to_string()
            };
            issues.push(Issue::new(
                Rule::DoneDate,
                Severity::Note,
                Some(&format!("corrective_actions[{i}].status")),
                format!(
                    "corrective action {name} is done but has no `done:` date; add the day it was done \
                     (YYYY-MM-DD) so reports count it in the right week"
                ),
            ));
        }
    }
}

/// `empty-item`: every item of a list says something; an empty one is usually an answer
/// lost on the way (or a template left half filled).
fn empty_items(coe: &Coe, issues: &mut Vec<Issue>) {
    let texts = coe
        .what_happened
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                format!("what_happened.timeline[{i}].event"),
                "timeline entry",
                i,
                &e.event,
            )
        })
        .chain(
            coe.root_cause
                .whys
                .iter()
                .enumerate()
                .map(|(i, w)| (format!("root_cause.whys[{i}]"), "why", i, w)),
        )
        .chain(coe.data.iter().enumerate().map(|(i, d)| {
            (
                format!("data[{i}].description"),
                "data entry",
                i,
                &d.description,
            )
        }))
        .chain(
            coe.lessons
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("lessons[{i}]"), "lesson", i, l)),
        )
        .chain(coe.corrective_actions.iter().enumerate().map(|(i, a)| {
            (
                format!("corrective_actions[{i}].action"),
                "corrective action",
                i,
                &a.action,
            )
        }));
    for (field, what, i, text) in texts {
        if text.trim().is_empty() {
            issues.push(Issue::new(
                Rule::EmptyItem,
                Severity::Error,
                Some(&field),
                format!("{what} {} is empty: fill it in or remove it", i + 1),
            ));
        }
    }
}

/// `link`: a link is an http(s) URL or a path in the repository, so a reader can follow it.
fn links(coe: &Coe, issues: &mut Vec<Issue>) {
    let links = coe
        .data
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((format!("data[{i}].link"), d.link.as_deref()?)))
        .chain(
            coe.corrective_actions
                .iter()
                .enumerate()
                .filter_map(|(i, a)| {
                    Some((format!("corrective_actions[{i}].link"), a.link.as_deref()?))
                }),
        );
    for (field, link) in links {
        if let Some(problem) = crate::model::ids::link_problem(link) {
            issues.push(Issue::new(
                Rule::Link,
                Severity::Error,
                Some(&field),
                problem,
            ));
        }
    }
}

/// `remediation`: customers were affected, yet `impact.remediation` says nothing about
/// what was done to make it right for them. Asked once question 2 is otherwise answered.
fn remediation(coe: &Coe, issues: &mut Vec<Issue>) {
    let impact = &coe.impact;
    if is_placeholder(&impact.customers) || !is_placeholder(&impact.remediation) {
        return;
    }
    let affected = match impact.customers_affected {
        Some(n) => n > 0,
        None => {
            let said = impact.customers.trim().to_lowercase();
            ![
                "none",
                "no customer",
                "no customers",
                "nobody",
                "no one",
                "n/a",
            ]
            .iter()
            .any(|none| said.starts_with(none))
        }
    };
    if affected {
        issues.push(Issue::new(
            Rule::Remediation,
            Severity::Warning,
            Some("impact.remediation"),
            "customers were affected, but nothing says what was done to make it right for \
             them (refunds, credits, outreach); answer impact.remediation, even with \
             \"nothing, because ...\""
                .into(),
        ));
    }
}

/// `prevention`: corrective actions were classified, and none of them prevents a repeat.
fn prevention(coe: &Coe, issues: &mut Vec<Issue>) {
    let kinds: Vec<ActionKind> = coe
        .corrective_actions
        .iter()
        .filter_map(|ca| ca.kind)
        .collect();
    if kinds.is_empty() || kinds.contains(&ActionKind::Prevent) {
        return;
    }
    issues.push(Issue::new(
        Rule::Prevention,
        Severity::Warning,
        Some("corrective_actions"),
        "no corrective action is of kind `prevent`: they detect, mitigate or change process; \
         what stops this from happening again?"
            .into(),
    ));
}

/// `approvals`: a closed COE has the approvals its severity needs (`approvals:`).
fn approvals(coe: &Coe, config: &Config, issues: &mut Vec<Issue>) {
    if coe.status != Status::Closed {
        return;
    }
    let missing = coe.approvals_missing(config);
    if missing == 0 {
        return;
    }
    let needed = config.approvals_for(&coe.severity);
    let have = coe.counted_approvals(config);
    let field = if coe.review.is_empty() {
        "status"
    } else {
        "review.approvals"
    };
    issues.push(Issue::new(
        Rule::Approvals,
        Severity::Error,
        Some(field),
        format!(
            "the COE is closed with {have} of the {} a {} COE needs ({} missing{}); \
             reviewers approve with `coe approve {}`",
            plural(
                usize::try_from(needed).unwrap_or(0),
                "approval",
                "approvals"
            ),
            coe.severity,
            missing,
            if config.allow_self_approval {
                ""
            } else {
                "; the leader's own approval does not count"
            },
            coe.id
        ),
    ));
}

/// A field path as findings show it: corrective actions by their id (`CA-2.due`), not
/// their position (`corrective_actions[1].due`), when the id is set and unique.
pub fn display_field(coe: &Coe, field: &str) -> String {
    let Some(rest) = field.strip_prefix("corrective_actions[") else {
        return field.to_string();
    };
    let Some((index, tail)) = rest.split_once(']') else {
        return field.to_string();
    };
    let Some(ca) = index
        .parse::<usize>()
        .ok()
        .and_then(|i| coe.corrective_actions.get(i))
    else {
        return field.to_string();
    };
    let id = ca.id.trim();
    let unique = coe
        .corrective_actions
        .iter()
        .filter(|other| other.id.trim() == id)
        .count()
        == 1;
    if is_placeholder(id) || !unique {
        return field.to_string();
    }
    format!("{id}{tail}")
}

#[cfg(test)]
mod tests;
