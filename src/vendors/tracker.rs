//! Tracker exports read by `coe actions sync`, and matching corrective actions to their
//! tracker issues by `link`.
//!
//! Two shapes are read, told apart by their content:
//! - GitHub, as `gh issue list --state all --json number,state,closedAt,url` prints it: a
//!   JSON array of objects with `number`, `state` (`OPEN` or `CLOSED`), `closedAt` (RFC 3339,
//!   `null` while open) and `url`; other fields gh can add are ignored.
//! - Jira's CSV export ("Export Excel CSV"): a header naming the columns `Issue key`,
//!   `Status` and `Resolved`; the statuses that mean done are configurable
//!   (`tracker_done_statuses`), and `Resolved` is read in the formats Jira writes
//!   (`20/Nov/26 2:15 PM` by default, or ISO 8601).
//!
//! Everything here is pure: the caller reads the file and writes the COEs.

/// The `gh` command whose output `coe actions sync` reads.
pub const GITHUB_COMMAND: &str =
    "gh issue list --state all --limit 1000 --json number,state,stateReason,closedAt,url";

/// The Jira CSV columns `coe actions sync` reads.
pub const JIRA_COLUMNS: &str = "Issue key, Status and Resolved";

use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use std::collections::{HashMap, HashSet};

use jiff::civil::Date;
use serde::Deserialize;

/// The tracker an export came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracker {
    /// `gh issue list --json ...`.
    GitHub,
    /// Jira's CSV export.
    Jira,
}

impl Tracker {
    /// The tracker's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Tracker::GitHub => "GitHub",
            Tracker::Jira => "Jira",
        }
    }
}

/// One issue of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerIssue {
    /// How people quote it: `#45` on GitHub, `PLAT-912` on Jira.
    pub key: String,
    /// Its web address, where the export has one (GitHub).
    pub url: Option<String>,
    /// The status as the export names it (`CLOSED`, `In Progress`).
    pub status: String,
    /// The day it was closed (UTC), for an issue whose status means done.
    pub closed_on: Option<Date>,
    /// Closed once and open again (GitHub: open with a `closedAt`; Jira: status `Reopened`).
    pub reopened: bool,
    /// Closed without being done, and how the tracker says so: Jira's `Resolution`
    /// (`Won't Do`, `Duplicate`, ...) or GitHub's `stateReason` (`NOT_PLANNED`). The action
    /// becomes `wontfix` with this as its reason, never `done`.
    pub not_done: Option<String>,
}

/// Jira resolutions that close an issue without doing it (compared case-insensitively).
/// Jira's defaults (Server and Cloud) and Service Management's `Declined`.
pub const JIRA_NOT_DONE_RESOLUTIONS: [&str; 8] = [
    "won't do",
    "won't fix",
    "duplicate",
    "cannot reproduce",
    "incomplete",
    "declined",
    "canceled",
    "cancelled",
];

/// A parsed export.
#[derive(Debug, Clone)]
pub struct Export {
    /// Which tracker wrote it.
    pub tracker: Tracker,
    /// Its issues, in file order.
    pub issues: Vec<TrackerIssue>,
    /// Issue index by key (`#45`, `PLAT-912`) and by normalised address: thousands of
    /// links are looked up, each once.
    index: HashMap<String, usize>,
    /// What the export covers: GitHub issue address prefixes (`https://github.com/o/r/issues`)
    /// or Jira project keys (`PLAT`).
    scopes: HashSet<String>,
}

/// Why an export cannot be read: the record at fault (1-based, as the file counts them) and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportError {
    /// `record 3 (#45)`, `line 7 (PLAT-912)`, or empty for the file as a whole.
    pub record: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.record.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.record, self.message)
        }
    }
}

impl std::error::Error for ExportError {}

fn whole_file(message: impl Into<String>) -> ExportError {
    ExportError {
        record: String::new(),
        message: message.into(),
    }
}

/// Reads an export, recognised by its shape. `done_statuses` are the Jira statuses that
/// mean done (compared case-insensitively).
pub fn parse(text: &str, done_statuses: &[String]) -> Result<Export, ExportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start();
    if start.starts_with('[') {
        return parse_github(text);
    }
    if start.starts_with('{') {
        return Err(whole_file(
            "a JSON object, not the array `gh issue list --json number,state,closedAt,url` prints",
        ));
    }
    let first_line = start.lines().next().unwrap_or_default();
    if first_line.split(',').any(|c| is_column(c, "Issue key")) {
        return parse_jira(text, done_statuses);
    }
    Err(whole_file(
        "not a tracker export coe knows: expected a JSON array from \
         `gh issue list --state all --json number,state,closedAt,url`, or a Jira CSV export \
         with the columns `Issue key`, `Status` and `Resolved`",
    ))
}

fn is_column(header: &str, name: &str) -> bool {
    header
        .trim()
        .trim_matches('"')
        .trim()
        .eq_ignore_ascii_case(name)
}

/// One element of `gh issue list --json number,state,closedAt,url`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhIssue {
    number: u64,
    state: String,
    #[serde(default)]
    closed_at: Option<String>,
    url: String,
    /// `COMPLETED`, `NOT_PLANNED`, `REOPENED` or `""` (gh prints GraphQL's null as empty).
    #[serde(default)]
    state_reason: Option<String>,
}

fn parse_github(text: &str) -> Result<Export, ExportError> {
    let values: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| ExportError {
        record: format!("line {}", e.line()),
        message: format!(
            "not a JSON array of issues: {}",
            crate::store::format::strip_location(&e.to_string())
        ),
    })?;
    let mut issues = Vec::with_capacity(values.len());
    for (i, value) in values.into_iter().enumerate() {
        let number = value.get("number").and_then(|n| n.as_u64());
        let record = match number {
            Some(n) => format!("record {} (#{n})", i + 1),
            None => format!("record {}", i + 1),
        };
        let fail = |message: String| ExportError {
            record: record.clone(),
            message,
        };
        if !value.is_object() {
            return Err(fail(
                "not an object with number, state, closedAt and url".into(),
            ));
        }
        let gh: GhIssue = serde_json::from_value(value).map_err(|e| {
            fail(format!(
                "{}; export with `gh issue list --state all --json number,state,closedAt,url`",
                crate::store::format::strip_location(&e.to_string())
            ))
        })?;
        let closed_at = gh.closed_at.as_deref().map(str::trim).filter(|s| {
            // Older gh versions print Go's zero time for an issue never closed.
            !s.is_empty() && !s.starts_with("0001-01-01")
        });
        let closed_on = match gh.state.to_ascii_uppercase().as_str() {
            "OPEN" => None,
            "CLOSED" => {
                let Some(at) = closed_at else {
                    return Err(fail("state is CLOSED but closedAt is empty".into()));
                };
                Some(timestamp_date(at).ok_or_else(|| {
                    fail(format!(
                        "closedAt `{at}` is not an RFC 3339 time (such as 2026-11-20T10:15:00Z)"
                    ))
                })?)
            }
            other => return Err(fail(format!("state `{other}` is neither OPEN nor CLOSED"))),
        };
        let url = gh.url.trim().to_string();
        if !url.starts_with("http://") && !url.starts_with("https://") {
            return Err(fail(format!("url `{url}` is not a web address")));
        }
        let reason = gh.state_reason.as_deref().unwrap_or_default().trim();
        let not_done = (closed_on.is_some()
            && ["NOT_PLANNED", "DUPLICATE"].contains(&reason.to_ascii_uppercase().as_str()))
        .then(|| {
            format!(
                "closed as {} on GitHub",
                reason.to_ascii_lowercase().replace('_', " ")
            )
        });
        issues.push(TrackerIssue {
            key: format!("#{}", gh.number),
            url: Some(url),
            status: gh.state,
            reopened: closed_on.is_none() && closed_at.is_some(),
            closed_on,
            not_done,
        });
    }
    unique(Tracker::GitHub, issues)
}

fn parse_jira(text: &str, done_statuses: &[String]) -> Result<Export, ExportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| whole_file(format!("cannot read the CSV header: {e}")))?
        .clone();
    let column = |name: &str| -> Result<usize, ExportError> {
        headers
            .iter()
            .position(|h| is_column(h, name))
            .ok_or_else(|| {
                whole_file(format!(
                    "the Jira CSV export has no `{name}` column; export with the columns \
                 `Issue key`, `Status` and `Resolved`"
                ))
            })
    };
    let (key_col, status_col, resolved_col) =
        (column("Issue key")?, column("Status")?, column("Resolved")?);
    let resolution_col = headers.iter().position(|h| is_column(h, "Resolution"));
    let mut issues = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| ExportError {
            record: e.position().map_or_else(
                || format!("record {}", i + 1),
                |p| format!("line {}", p.line()),
            ),
            message: match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("{len} fields where the header has {expected_len}"),
                _ => e.to_string(),
            },
        })?;
        let line = row.position().map_or(i + 2, |p| p.line() as usize);
        let field = |col: usize| row.get(col).unwrap_or_default().trim();
        let key = field(key_col).to_string();
        let record = if key.is_empty() {
            format!("line {line}")
        } else {
            format!("line {line} ({key})")
        };
        let fail = |message: String| ExportError {
            record: record.clone(),
            message,
        };
        if !is_jira_key(&key) {
            return Err(fail(format!(
                "`Issue key` is `{key}`, not a key such as PLAT-912"
            )));
        }
        let status = field(status_col).to_string();
        if status.is_empty() {
            return Err(fail("`Status` is empty".into()));
        }
        let done = done_statuses
            .iter()
            .any(|d| d.trim().eq_ignore_ascii_case(&status));
        let resolved = field(resolved_col);
        let resolution = resolution_col.map(field).unwrap_or_default();
        let not_done = JIRA_NOT_DONE_RESOLUTIONS
            .iter()
            .any(|r| resolution.eq_ignore_ascii_case(r))
            .then(|| format!("resolved as {resolution} in Jira"));
        let done = done || not_done.is_some();
        let closed_on = if done {
            if resolved.is_empty() {
                return Err(fail(format!(
                    "status `{status}` means done but `Resolved` is empty, so the day it was \
                     done is unknown"
                )));
            }
            Some(jira_date(resolved).ok_or_else(|| {
                fail(format!(
                    "`Resolved` is `{resolved}`, not a date Jira writes (such as \
                     20/Nov/26 2:15 PM or 2026-11-20 14:15)"
                ))
            })?)
        } else {
            None
        };
        issues.push(TrackerIssue {
            key: key.to_ascii_uppercase(),
            url: None,
            reopened: status.eq_ignore_ascii_case("reopened"),
            status,
            closed_on,
            not_done,
        });
    }
    unique(Tracker::Jira, issues)
}

/// Refuses an export that lists one issue twice: which of the two is right is unknown.
fn unique(tracker: Tracker, issues: Vec<TrackerIssue>) -> Result<Export, ExportError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, issue) in issues.iter().enumerate() {
        if let Some(first) = seen.insert(&issue.key, i) {
            return Err(ExportError {
                record: format!("record {} ({})", i + 1, issue.key),
                message: format!("{} is listed twice (also record {})", issue.key, first + 1),
            });
        }
    }
    let mut index = HashMap::new();
    let mut scopes = HashSet::new();
    for (i, issue) in issues.iter().enumerate() {
        index.insert(issue.key.clone(), i);
        if let Some(url) = &issue.url {
            let url = normalise_url(url);
            if let Some((prefix, _)) = url.rsplit_once('/') {
                scopes.insert(prefix.to_string());
            }
            index.insert(url, i);
        }
        if let Some((project, _)) = issue.key.rsplit_once('-') {
            scopes.insert(project.to_string());
        }
    }
    Ok(Export {
        tracker,
        issues,
        index,
        scopes,
    })
}

/// The UTC day of an RFC 3339 time.
fn timestamp_date(text: &str) -> Option<Date> {
    let at: jiff::Timestamp = text.parse().ok()?;
    Some(at.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

/// A date in one of the shapes Jira writes in CSV exports: its default `dd/MMM/yy h:mm a`
/// (`20/Nov/26 2:15 PM`), with a four-digit year, ISO 8601 with or without a time, or
/// RFC 3339. Times without an offset are taken as written (the exporting user's zone).
fn jira_date(text: &str) -> Option<Date> {
    if let Some(date) = timestamp_date(text) {
        return Some(date);
    }
    if let Ok(date) = crate::model::dates::parse_date(text) {
        return Some(date);
    }
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return Some(dt.date());
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    [
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
        "%d/%b/%Y %H:%M",
    ]
    .iter()
    .find_map(|format| jiff::civil::DateTime::strptime(format, &text).ok())
    .map(|dt| dt.date())
    .or_else(|| {
        ["%d/%b/%y", "%d/%b/%Y"]
            .iter()
            .find_map(|format| Date::strptime(format, &text).ok())
    })
}

/// True for a Jira issue key: a project key (a letter, then letters, digits or `_`), `-`,
/// and a number.
pub fn is_jira_key(text: &str) -> bool {
    let Some((project, number)) = text.rsplit_once('-') else {
        return false;
    };
    let mut chars = project.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// What an action's `link` names in a tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LinkTarget {
    /// A web address, normalised (see [`normalise_url`]).
    Url(String),
    /// `#45`: a GitHub issue number in the exported repository.
    Number(u64),
    /// `PLAT-912`, written alone or at the end of a Jira address.
    JiraKey(String),
}

/// Lower-case scheme and host, no query, fragment or trailing slash: two ways of writing
/// one address compare equal.
fn normalise_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split(['#', '?']).next().unwrap_or(url);
    let url = url.trim_end_matches('/');
    match url.find("://") {
        Some(scheme_end) => {
            let host_end = url[scheme_end + 3..]
                .find('/')
                .map_or(url.len(), |i| scheme_end + 3 + i);
            format!(
                "{}{}",
                url[..host_end].to_ascii_lowercase(),
                &url[host_end..]
            )
        }
        None => url.to_string(),
    }
}

fn link_targets(link: &str) -> Vec<LinkTarget> {
    let link = link.trim();
    let mut targets = Vec::new();
    if let Some(n) = link.strip_prefix('#').and_then(|n| n.parse().ok()) {
        targets.push(LinkTarget::Number(n));
    }
    if is_jira_key(link) {
        targets.push(LinkTarget::JiraKey(link.to_ascii_uppercase()));
    }
    if link.contains("://") {
        targets.push(LinkTarget::Url(normalise_url(link)));
        // A Jira address ends in the key (`/browse/PLAT-912`) or names it in the query
        // (`?selectedIssue=PLAT-912`).
        let query_key = link
            .split(['?', '&'])
            .filter_map(|part| part.strip_prefix("selectedIssue="))
            .find(|key| is_jira_key(key));
        let last_segment = normalise_url(link)
            .rsplit('/')
            .next()
            .map(str::to_string)
            .filter(|s| is_jira_key(s));
        if let Some(key) = query_key.map(str::to_string).or(last_segment) {
            targets.push(LinkTarget::JiraKey(key.to_ascii_uppercase()));
        }
    }
    targets
}

impl Export {
    /// The issue an action's `link` names, if it is in this export.
    pub fn find(&self, link: &str) -> Option<&TrackerIssue> {
        link_targets(link)
            .into_iter()
            .find_map(|target| {
                let key = match (self.tracker, target) {
                    (Tracker::GitHub, LinkTarget::Url(url)) => url,
                    (Tracker::GitHub, LinkTarget::Number(n)) => format!("#{n}"),
                    (Tracker::Jira, LinkTarget::JiraKey(key)) => key,
                    _ => return None,
                };
                self.index.get(&key)
            })
            .map(|&i| &self.issues[i])
    }

    /// True when `link` names an issue of the tracker and project this export covers, so
    /// its absence from the export is worth reporting: a GitHub issue address of the
    /// exported repository (or `#45`), a Jira key of an exported project.
    pub fn covers(&self, link: &str) -> bool {
        link_targets(link)
            .iter()
            .any(|target| match (self.tracker, target) {
                (Tracker::GitHub, LinkTarget::Url(url)) => {
                    url.rsplit_once('/').is_some_and(|(prefix, n)| {
                        n.parse::<u64>().is_ok() && self.scopes.contains(prefix)
                    })
                }
                (Tracker::GitHub, LinkTarget::Number(_)) => true,
                (Tracker::Jira, LinkTarget::JiraKey(key)) => key
                    .rsplit_once('-')
                    .is_some_and(|(project, _)| self.scopes.contains(project)),
                _ => false,
            })
    }
}

/// An open action whose issue is closed: to be marked done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// Index of the COE in the list given to [`plan`].
    pub coe: usize,
    /// Index of the action in the COE.
    pub action: usize,
    /// The day its issue was closed.
    pub on: Date,
    /// The issue (`#45`, `PLAT-912`).
    pub issue: String,
    /// Closed without being done (see [`TrackerIssue::not_done`]): the action becomes
    /// `wontfix` with this reason.
    pub not_done: Option<String>,
}
/// Something about an action a person should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The COE's id.
    pub coe: String,
    /// The action's id.
    pub action: String,
    /// What is wrong, as a sentence fragment.
    pub message: String,
}
/// What a sync would do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Actions to mark done.
    pub closing: Vec<Closing>,
    /// Actions marked done whose issue is open again.
    pub reopened: Vec<Finding>,
    /// Open actions linked to an issue of the tracker the export covers that is not in it.
    pub missing: Vec<Finding>,
}
/// Matches every action with a link against the export. Pure: nothing is read or written.
pub fn plan(coes: &[&Coe], export: &Export) -> Plan {
    let mut plan = Plan::default();
    for (c, coe) in coes.iter().enumerate() {
        for (a, action) in coe.corrective_actions.iter().enumerate() {
            let Some(link) = action.link.as_deref().filter(|l| !l.trim().is_empty()) else {
                continue;
            };
            let finding = |message: String| Finding {
                coe: coe.id.clone(),
                action: action.id.trim().to_string(),
                message,
            };
            match (export.find(link), action.status) {
                (Some(issue), ActionStatus::Open) => {
                    if let Some(on) = issue.closed_on {
                        plan.closing.push(Closing {
                            coe: c,
                            action: a,
                            on,
                            issue: issue.key.clone(),
                            not_done: issue.not_done.clone(),
                        });
                    }
                }
                (Some(issue), ActionStatus::Done) if issue.closed_on.is_none() => {
                    let again = if issue.reopened {
                        "was reopened"
                    } else {
                        "is open"
                    };
                    plan.reopened.push(finding(format!(
                        "is marked done, but its issue {} {again} (status {})",
                        issue.key, issue.status
                    )))
                }
                (None, ActionStatus::Open) if export.covers(link) => {
                    plan.missing.push(finding(format!(
                        "links to {link}, which is not in the {} export",
                        export.tracker.name()
                    )))
                }
                _ => {}
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn done() -> Vec<String> {
        crate::model::policy::DEFAULT_DONE_STATUSES
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    const GH: &str = r#"[
  {"closedAt": "2026-11-20T23:30:00Z", "number": 45, "state": "CLOSED",
   "url": "https://github.com/acme/platform/issues/45"},
  {"closedAt": null, "number": 46, "state": "OPEN",
   "url": "https://github.com/acme/platform/issues/46"},
  {"closedAt": "2026-11-18T09:00:00Z", "number": 47, "state": "OPEN",
   "url": "https://github.com/acme/platform/issues/47"}
]"#;

    #[test]
    fn github_issue_list() {
        let export = parse(GH, &done()).unwrap();
        assert_eq!(export.tracker, Tracker::GitHub);
        let states: Vec<_> = export
            .issues
            .iter()
            .map(|i| (i.key.as_str(), i.closed_on, i.reopened))
            .collect();
        assert_eq!(
            states,
            [
                ("#45", Some(date(2026, 11, 20)), false),
                ("#46", None, false),
                ("#47", None, true),
            ]
        );
    }

    #[test]
    fn github_links_match_by_address_or_number() {
        let export = parse(GH, &done()).unwrap();
        let key = |link: &str| export.find(link).map(|i| i.key.clone());
        assert_eq!(
            key("https://GitHub.com/acme/platform/issues/45/").as_deref(),
            Some("#45")
        );
        assert_eq!(
            key("https://github.com/acme/platform/issues/46#issuecomment-1").as_deref(),
            Some("#46")
        );
        assert_eq!(key("#47").as_deref(), Some("#47"));
        assert_eq!(key("https://github.com/acme/other/issues/45"), None);
        assert!(export.covers("https://github.com/acme/platform/issues/99"));
        assert!(!export.covers("https://github.com/acme/other/issues/45"));
        assert!(!export.covers("PLAT-912"));
    }

    #[test]
    fn malformed_github_records_are_named() {
        let err = |text: &str| parse(text, &done()).unwrap_err().to_string();
        assert_eq!(
            err(r#"[{"number": 3, "state": "CLOSED", "closedAt": "", "url": "https://x/3"}]"#),
            "record 1 (#3): state is CLOSED but closedAt is empty"
        );
        assert!(err(r#"[{"number": 3, "state": "OPEN"}]"#)
            .starts_with("record 1 (#3): missing field `url`"));
        assert_eq!(
            err(r#"[{"number": 1, "state": "MERGED", "url": "https://x/1"}]"#),
            "record 1 (#1): state `MERGED` is neither OPEN nor CLOSED"
        );
        assert!(err("[{\"number\": 1,\n").starts_with("line 2: not a JSON array"));
        assert!(err(r#"{"issues": []}"#).contains("JSON object"));
        assert!(err("hello\n").contains("not a tracker export"));
        assert_eq!(
            err(r#"[{"number": 2, "state": "OPEN", "url": "https://x/2"},
                    {"number": 2, "state": "OPEN", "url": "https://x/2"}]"#),
            "record 2 (#2): #2 is listed twice (also record 1)"
        );
    }

    const JIRA: &str = "Summary,Issue key,Issue id,Status,Resolved,Updated\n\
        Stage config pushes,PLAT-912,10912,Done,20/Nov/26 2:15 PM,20/Nov/26 2:15 PM\n\
        \"Alarm on pool, saturation\",PLAT-913,10913,In Progress,,21/Nov/26 9:00 AM\n\
        Runbook,OPS-7,10007,Reopened,,22/Nov/26 9:00 AM\n\
        Canary,PLAT-914,10914,Closed,2026-11-19 08:00,2026-11-19 08:00\n";

    #[test]
    fn jira_csv() {
        let export = parse(JIRA, &done()).unwrap();
        assert_eq!(export.tracker, Tracker::Jira);
        let states: Vec<_> = export
            .issues
            .iter()
            .map(|i| (i.key.as_str(), i.closed_on, i.reopened))
            .collect();
        assert_eq!(
            states,
            [
                ("PLAT-912", Some(date(2026, 11, 20)), false),
                ("PLAT-913", None, false),
                ("OPS-7", None, true),
                ("PLAT-914", Some(date(2026, 11, 19)), false),
            ]
        );
        let key = |link: &str| export.find(link).map(|i| i.key.clone());
        assert_eq!(key("PLAT-912").as_deref(), Some("PLAT-912"));
        assert_eq!(
            key("https://jira.example.com/browse/plat-913").as_deref(),
            Some("PLAT-913")
        );
        assert_eq!(
            key("https://acme.atlassian.net/jira/software/projects/OPS/boards/1?selectedIssue=OPS-7")
                .as_deref(),
            Some("OPS-7")
        );
        assert!(export.covers("https://jira.example.com/PLAT-999"));
        assert!(!export.covers("WEB-1"));
    }

    #[test]
    fn jira_done_statuses_are_configurable() {
        let only_shipped = vec!["shipped".to_string()];
        let text = "Issue key,Status,Resolved\nPLAT-1,Shipped,2026-11-02\nPLAT-2,Done,\n";
        let export = parse(text, &only_shipped).unwrap();
        assert_eq!(export.issues[0].closed_on, Some(date(2026, 11, 2)));
        assert_eq!(export.issues[1].closed_on, None);
    }

    #[test]
    fn malformed_jira_records_are_named() {
        let err = |text: &str| parse(text, &done()).unwrap_err().to_string();
        assert_eq!(
            err("Issue key,Status,Resolved\nPLAT-1,Done,yesterday\n"),
            "line 2 (PLAT-1): `Resolved` is `yesterday`, not a date Jira writes (such as \
             20/Nov/26 2:15 PM or 2026-11-20 14:15)"
        );
        assert!(err("Issue key,Status,Resolved\nPLAT-1,Done,\n").contains("`Resolved` is empty"));
        assert_eq!(
            err("Issue key,Status\nPLAT-1,Done\n"),
            "the Jira CSV export has no `Resolved` column; export with the columns \
             `Issue key`, `Status` and `Resolved`"
        );
        assert_eq!(
            err("Issue key,Status,Resolved\nPLAT-1,Done,2026-11-02\nPLAT-2,Open\n"),
            "line 3: 2 fields where the header has 3"
        );
        assert_eq!(
            err("Issue key,Status,Resolved\nhello world,Done,2026-11-02\n"),
            "line 2 (hello world): `Issue key` is `hello world`, not a key such as PLAT-912"
        );
    }

    #[test]
    fn jira_not_done_resolutions_are_wontfix_not_done() {
        // Jira Cloud's CSV export as the vendor writes it: BOM, CRLF, a multi-line cell.
        let text = include_str!("../../tests/fixtures/tracker/jira-en-bom-crlf.csv");
        let export = parse(text, &done()).unwrap();
        let outcome: Vec<_> = export
            .issues
            .iter()
            .map(|i| (i.key.as_str(), i.closed_on, i.not_done.as_deref()))
            .collect();
        assert_eq!(
            outcome,
            [
                ("OPS-101", Some(date(2026, 11, 22)), None),
                (
                    "OPS-102",
                    Some(date(2026, 11, 22)),
                    Some("resolved as Duplicate in Jira")
                ),
                (
                    "OPS-97",
                    Some(date(2026, 11, 21)),
                    Some("resolved as Won't Do in Jira")
                ),
                ("OPS-103", None, None),
            ]
        );
    }

    #[test]
    fn github_not_planned_is_wontfix_not_done() {
        // `gh issue list --json ...` as gh prints it: sorted keys, `stateReason` "" when null.
        let text = include_str!("../../tests/fixtures/tracker/gh-issue-list-state-reason.json");
        let export = parse(text, &done()).unwrap();
        let find = |key: &str| {
            export
                .issues
                .iter()
                .find(|i| i.key == key)
                .unwrap_or_else(|| panic!("{key}"))
        };
        assert_eq!(
            find("#230").not_done.as_deref(),
            Some("closed as not planned on GitHub")
        );
        assert_eq!(find("#229").not_done, None);
        assert_eq!(find("#229").closed_on, Some(date(2026, 11, 22)));
        assert_eq!(find("#231").not_done, None);
        assert!(find("#226").closed_on.is_none());
    }

    #[test]
    fn jira_dates() {
        for text in [
            "20/Nov/26 2:15 PM",
            "20/Nov/2026 02:15 AM",
            "20/nov/26 14:15",
            "2026-11-20",
            "2026-11-20 14:15",
            "2026-11-20T14:15:00",
            "2026-11-20T14:15:00+01:00",
        ] {
            assert_eq!(jira_date(text), Some(date(2026, 11, 20)), "{text}");
        }
        assert_eq!(jira_date("31/Feb/26 1:00 PM"), None);
    }
}
