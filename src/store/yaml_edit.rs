//! Minimal-diff updates of a COE file: change the lines of what changed, keep the rest.
//!
//! A COE file belongs to people as much as to coe: reviewers add `#` comments, leaders wrap
//! and word their answers their own way. A command that changes one thing (close, approve,
//! an action marked done, a tracker link, a sync, an edit of one answer) must change those
//! lines only, so the commit's diff shows exactly the change.
//!
//! [`update`] takes the file's text, the COE it parsed to and the COE wanted, finds the
//! fields that differ (by comparing the two as JSON values), and rewrites only their lines:
//! each changed value is written as coe's own writer ([`format::to_yaml`]) writes it, cut
//! out of the canonical text of the new COE and re-indented to where it sits in the file.
//! A new key goes after its nearest earlier sibling in the format's key order; a list that
//! grew by items at the end, lost one item or gained one is edited item by item; anything
//! else replaces the smallest enclosing value. The result is parsed again and must equal
//! the COE wanted, or [`update`] fails and the caller writes the whole file instead (and
//! says that comments may have been lost). Comments inside a replaced value cannot be
//! kept; they are returned in [`Updated::dropped_comments`] so the caller can say so.

use serde_json::Value;

use crate::model::coe::Coe;
use crate::store::format;
use crate::store::lines::LineIndex;

/// The file's new text, and what could not be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// The whole new text of the file.
    pub text: String,
    /// Comment lines (trimmed) that sat inside a value that was replaced or removed.
    pub dropped_comments: Vec<String>,
}

/// Why a minimal update was not possible; the caller then rewrites the whole file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// The change touches a part of the file laid out in a way this editor does not handle.
    #[error("cannot edit `{0}` in place")]
    Unsupported(String),
    /// The edited text did not read back as the COE wanted.
    #[error("the edited file did not read back as intended")]
    Unverified,
}

/// Rewrites in `text` (which parsed to `old`) only the lines of the fields where `new`
/// differs from `old`.
pub fn update(text: &str, old: &Coe, new: &Coe) -> Result<Updated, UpdateError> {
    if old == new {
        return Ok(Updated {
            text: text.to_owned(),
            dropped_comments: Vec::new(),
        });
    }
    let canonical = format::to_yaml(new);
    let file = Text::new(text);
    let canon = Text::new(&canonical);
    let mut plan = Plan {
        file: &file,
        canon: &canon,
        edits: Vec::new(),
    };
    let (old_value, new_value) = (as_json(old)?, as_json(new)?);
    plan.diff(&Path::root(), &old_value, &new_value)?;
    let updated = plan.apply();
    match format::parse(&updated.text) {
        Ok(parsed) if parsed == *new => Ok(updated),
        _ => Err(UpdateError::Unverified),
    }
}

fn as_json(coe: &Coe) -> Result<Value, UpdateError> {
    serde_json::to_value(coe).map_err(|_| UpdateError::Unverified)
}

/// A field path in [`LineIndex`] syntax: `corrective_actions[1].status`.
#[derive(Debug, Clone)]
struct Path {
    text: String,
}

impl Path {
    fn root() -> Self {
        Path {
            text: String::new(),
        }
    }

    fn key(&self, key: &str) -> Self {
        let text = if self.text.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.text)
        };
        Path { text }
    }

    fn index(&self, i: usize) -> Self {
        Path {
            text: format!("{}[{i}]", self.text),
        }
    }

    /// The enclosing path and the last key, for a path that ends in a key.
    fn split_key(&self) -> Option<(Path, &str)> {
        if self.text.ends_with(']') {
            return None;
        }
        Some(match self.text.rfind('.') {
            Some(dot) => (
                Path {
                    text: self.text[..dot].to_owned(),
                },
                &self.text[dot + 1..],
            ),
            None => (Path::root(), self.text.as_str()),
        })
    }
}

/// A YAML text with its lines and an index of where each field is.
struct Text<'a> {
    lines: Vec<&'a str>,
    index: LineIndex<'a>,
}

/// Where a value sits: lines `first..=last` (0-based), starting at `column` of `first`.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    last: usize,
    column: usize,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Self {
        Text {
            lines: text.lines().collect(),
            index: LineIndex::new(text),
        }
    }

    /// The lines of the value at `path` (the key line and everything below it).
    fn span(&self, path: &Path) -> Option<Span> {
        let (line, column) = self.index.position(&path.text)?;
        let first = line - 1;
        let is_item = self.lines.get(first)?[column..].starts_with('-');
        let mut last = first;
        for (i, line) in self.lines.iter().enumerate().skip(first + 1) {
            let body = line.trim_start_matches(' ');
            if body.is_empty() {
                continue;
            }
            let indent = line.len() - body.len();
            // A key's block sequence may sit at the key's own column.
            let same_column_item = !is_item && indent == column && is_dash(body);
            if indent > column || same_column_item {
                last = i;
            } else {
                break;
            }
        }
        // Comments after the value's last line belong to what follows.
        while last > first && self.lines[last].trim_start().starts_with('#') {
            last -= 1;
        }
        Some(Span {
            first,
            last,
            column,
        })
    }

    /// Whether the value at `span` is a flow list or map (`[a, b]`) on its one line.
    fn is_flow(&self, span: Span) -> bool {
        let line = &self.lines[span.first][span.column..];
        let value = line.split_once(':').map_or(line, |(_, v)| v).trim_start();
        span.first == span.last && (value.starts_with('[') || value.starts_with('{'))
    }

    /// The keys directly inside the mapping at `parent`, in the order they appear.
    fn child_keys(&self, parent: &Path) -> Vec<&'a str> {
        let (lines, mut column) = if parent.text.is_empty() {
            (&self.lines[..], Some(0))
        } else {
            let Some(span) = self.span(parent) else {
                return Vec::new();
            };
            // A key's children start on the next line; an item's first key is on its own.
            let first = if parent.text.ends_with(']') {
                span.first
            } else {
                span.first + 1
            };
            (&self.lines[first.min(span.last + 1)..=span.last], None)
        };
        let mut keys = Vec::new();
        for line in lines {
            let (indent, body) = after_dashes(line);
            if body.starts_with('#') {
                continue;
            }
            let Some(key) = key_of(body) else { continue };
            if indent == *column.get_or_insert(indent) {
                keys.push(key);
            }
        }
        keys
    }
}

/// The column and text of a line's content, after its indentation and any `- ` markers.
fn after_dashes(line: &str) -> (usize, &str) {
    let mut body = line.trim_start_matches(' ');
    while is_dash(body) {
        body = body[1..].trim_start_matches(' ');
    }
    (line.len() - body.len(), body)
}

fn is_dash(body: &str) -> bool {
    body == "-" || body.starts_with("- ")
}

fn key_of(text: &str) -> Option<&str> {
    let (key, rest) = text.split_once(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(key.trim_end())
}

/// Replace lines `first..=last` of the file (or insert before `first` when `last` is
/// `None`) with `lines`.
#[derive(Debug)]
struct Edit {
    first: usize,
    last: Option<usize>,
    lines: Vec<String>,
}

struct Plan<'t, 'a> {
    file: &'t Text<'a>,
    canon: &'t Text<'a>,
    edits: Vec<Edit>,
}

impl Plan<'_, '_> {
    fn diff(&mut self, path: &Path, old: &Value, new: &Value) -> Result<(), UpdateError> {
        match (old, new) {
            (Value::Object(o), Value::Object(n)) => {
                for key in o.keys().chain(n.keys().filter(|k| !o.contains_key(*k))) {
                    let (a, b) = (
                        o.get(key).unwrap_or(&Value::Null),
                        n.get(key).unwrap_or(&Value::Null),
                    );
                    if a != b {
                        self.diff(&path.key(key), a, b)?;
                    }
                }
                Ok(())
            }
            (Value::Array(a), Value::Array(b)) if !path.text.is_empty() => self.list(path, a, b),
            _ => self.replace(path),
        }
    }

    fn list(&mut self, path: &Path, old: &[Value], new: &[Value]) -> Result<(), UpdateError> {
        let flow = |text: &Text, path: &Path| text.span(path).is_some_and(|s| text.is_flow(s));
        if old.is_empty() || new.is_empty() || flow(self.file, path) || flow(self.canon, path) {
            return self.replace(path);
        }
        if old.len() == new.len() {
            for (i, (a, b)) in old.iter().zip(new).enumerate() {
                if a != b {
                    self.diff(&path.index(i), a, b)?;
                }
            }
            return Ok(());
        }
        if new.len() > old.len() && new[..old.len()] == *old {
            let after = self.file_span(&path.index(old.len() - 1))?;
            let mut lines = Vec::new();
            for i in old.len()..new.len() {
                lines.extend(self.canonical_lines(&path.index(i), after.column, "")?);
            }
            self.edits.push(Edit {
                first: after.last + 1,
                last: None,
                lines,
            });
            return Ok(());
        }
        if let Some(k) = one_removed(old, new) {
            let span = self.file_span(&path.index(k))?;
            self.edits.push(Edit {
                first: span.first,
                last: Some(span.last),
                lines: Vec::new(),
            });
            return Ok(());
        }
        if let Some(k) = one_removed(new, old) {
            let before = self.file_span(&path.index(k))?;
            let lines = self.canonical_lines(&path.index(k), before.column, "")?;
            self.edits.push(Edit {
                first: before.first,
                last: None,
                lines,
            });
            return Ok(());
        }
        self.replace(path)
    }

    fn file_span(&self, path: &Path) -> Result<Span, UpdateError> {
        self.file
            .span(path)
            .ok_or_else(|| UpdateError::Unsupported(path.text.clone()))
    }

    /// The canonical lines of `path`, moved to start at `column`; the first line starts
    /// with `prefix` instead of spaces when one is given.
    fn canonical_lines(
        &self,
        path: &Path,
        column: usize,
        prefix: &str,
    ) -> Result<Vec<String>, UpdateError> {
        let span = self
            .canon
            .span(path)
            .ok_or_else(|| UpdateError::Unsupported(path.text.clone()))?;
        let mut out = Vec::with_capacity(span.last - span.first + 1);
        for (i, line) in self.canon.lines[span.first..=span.last].iter().enumerate() {
            if i == 0 {
                let lead = if prefix.is_empty() {
                    " ".repeat(column)
                } else {
                    prefix.to_owned()
                };
                out.push(format!("{lead}{}", &line[span.column..]));
            } else if line.trim().is_empty() {
                out.push(String::new());
            } else if column >= span.column {
                out.push(format!("{}{line}", " ".repeat(column - span.column)));
            } else {
                let cut = (span.column - column).min(line.len() - line.trim_start().len());
                out.push(line[cut..].to_owned());
            }
        }
        Ok(out)
    }

    /// Writes the value at `path` as it now is: replaced where it was, inserted where it
    /// was not, removed where it no longer is.
    fn replace(&mut self, path: &Path) -> Result<(), UpdateError> {
        let (in_file, in_canon) = (self.file.span(path), self.canon.span(path));
        match (in_file, in_canon) {
            (Some(span), Some(_)) => {
                let first_line = self.file.lines[span.first];
                let prefix = &first_line[..span.column];
                let mut lines = self.canonical_lines(path, span.column, prefix)?;
                if span.first == span.last && lines.len() == 1 {
                    if let Some(comment) = trailing_comment(&first_line[span.column..]) {
                        lines[0].push_str(comment);
                    }
                }
                self.edits.push(Edit {
                    first: span.first,
                    last: Some(span.last),
                    lines,
                });
                Ok(())
            }
            (Some(span), None) => {
                if self.file.lines[span.first][..span.column].trim() != "" {
                    return Err(UpdateError::Unsupported(path.text.clone()));
                }
                self.edits.push(Edit {
                    first: span.first,
                    last: Some(span.last),
                    lines: Vec::new(),
                });
                Ok(())
            }
            (None, Some(_)) => self.insert(path),
            (None, None) => Ok(()),
        }
    }

    /// Inserts the value at `path` after its nearest earlier sibling that the file has.
    fn insert(&mut self, path: &Path) -> Result<(), UpdateError> {
        let unsupported = || UpdateError::Unsupported(path.text.clone());
        let (parent, key) = path.split_key().ok_or_else(unsupported)?;
        if !parent.text.is_empty() && self.file.span(&parent).is_none() {
            return self.replace(&parent);
        }
        let siblings = self.canon.child_keys(&parent);
        let position = siblings
            .iter()
            .position(|k| *k == key)
            .ok_or_else(unsupported)?;
        let earlier = siblings[..position]
            .iter()
            .rev()
            .find_map(|k| self.file.span(&parent.key(k)))
            .ok_or_else(unsupported)?;
        let lines = self.canonical_lines(path, earlier.column, "")?;
        self.edits.push(Edit {
            first: earlier.last + 1,
            last: None,
            lines,
        });
        Ok(())
    }

    fn apply(mut self) -> Updated {
        // From the bottom up, so earlier line numbers stay valid; at the same line a
        // replacement goes before an insertion, which then lands above it.
        self.edits
            .sort_by_key(|e| (std::cmp::Reverse(e.first), e.last.is_none()));
        let mut lines: Vec<String> = self.file.lines.iter().map(|l| (*l).to_owned()).collect();
        let mut dropped = Vec::new();
        for edit in self.edits {
            let end = edit
                .last
                .map_or(edit.first, |last| last + 1)
                .min(lines.len());
            let first = edit.first.min(lines.len());
            let removed: Vec<String> = lines.splice(first..end, edit.lines.clone()).collect();
            dropped.extend(
                removed
                    .iter()
                    .map(|l| l.trim())
                    .filter(|l| l.starts_with('#') && !edit.lines.iter().any(|n| n.trim() == *l))
                    .map(str::to_owned),
            );
        }
        let mut text = lines.join("\n");
        text.push('\n');
        dropped.reverse();
        Updated {
            text,
            dropped_comments: dropped,
        }
    }
}

/// The index `k` such that `long` without its item `k` is `short`.
fn one_removed(long: &[Value], short: &[Value]) -> Option<usize> {
    if long.len() != short.len() + 1 {
        return None;
    }
    let k = long
        .iter()
        .zip(short)
        .position(|(a, b)| a != b)
        .unwrap_or(short.len());
    (long[k + 1..] == short[k..]).then_some(k)
}

/// The ` # comment` at the end of a one-line `key: value`, with the spaces before it.
fn trailing_comment(line: &str) -> Option<&str> {
    let mut quote = None;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'#') if i > 0 && bytes[i - 1] == b' ' => {
                let start = line[..i].trim_end().len();
                return Some(&line[start..]);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::ActionStatus;
    use crate::model::kinds::Status;

    fn sample() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/demo/coes/2026-10-21-order-confirmation-emails-sent-two-to-five-times.yaml"
        ))
        .expect("demo COE")
    }

    /// The lines of `after` that differ from `before`, as a unified-diff-like list.
    fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
        let b: Vec<&str> = before.lines().collect();
        let a: Vec<&str> = after.lines().collect();
        let prefix = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
        let suffix = b[prefix..]
            .iter()
            .rev()
            .zip(a[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        (
            b[prefix..b.len() - suffix]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            a[prefix..a.len() - suffix]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        )
    }

    fn edit(text: &str, change: impl FnOnce(&mut Coe)) -> Updated {
        let old = format::parse(text).expect("parses");
        let mut new = old.clone();
        change(&mut new);
        update(text, &old, &new).expect("edits in place")
    }

    #[test]
    fn status_changes_one_line_and_keeps_its_comment_and_others() {
        let text = sample()
            .replacen(
                "status: closed",
                "status: review   # Sam: check CA-2 first",
                1,
            )
            .replacen(
                "\nimpact:",
                "\n# reviewer: numbers from finance\nimpact:",
                1,
            );
        let out = edit(&text, |c| c.status = Status::Closed);
        let (removed, added) = changed_lines(&text, &out.text);
        assert_eq!(removed, ["status: review   # Sam: check CA-2 first"]);
        assert_eq!(added, ["status: closed   # Sam: check CA-2 first"]);
        assert!(out.dropped_comments.is_empty());
    }

    #[test]
    fn marking_an_action_done_inserts_the_done_line_after_status() {
        let text = sample();
        let old = format::parse(&text).expect("parses");
        let i = old
            .corrective_actions
            .iter()
            .position(|a| a.done.is_none())
            .unwrap_or(0);
        let mut text = text;
        if old.corrective_actions[i].status != ActionStatus::Open {
            let mut reopened = old.clone();
            reopened.corrective_actions[i].status = ActionStatus::Open;
            reopened.corrective_actions[i].done = None;
            text = update(&text, &old, &reopened).expect("reopens").text;
        }
        let date = jiff::civil::date(2026, 11, 20);
        let out = edit(&text, |c| {
            c.corrective_actions[i].status = ActionStatus::Done;
            c.corrective_actions[i].done = Some(date);
        });
        let (removed, added) = changed_lines(&text, &out.text);
        assert_eq!(removed, ["    status: open"]);
        assert_eq!(added, ["    status: done", "    done: \"2026-11-20\""]);
    }

    #[test]
    fn list_items_are_changed_removed_inserted_and_appended_alone() {
        let text = sample().replacen("\nlessons:", "\n# keep this\nlessons:", 1);
        let base = format::parse(&text).expect("parses");
        assert!(base.root_cause.whys.len() >= 3 && base.what_happened.timeline.len() >= 2);

        let out = edit(&text, |c| {
            c.root_cause.whys[1] = "Because the queue retried.".into()
        });
        let (removed, added) = changed_lines(&text, &out.text);
        assert_eq!(removed.len(), 1);
        assert_eq!(added, ["    - Because the queue retried."]);

        let out = edit(&text, |c| {
            c.what_happened.timeline.remove(1);
        });
        let (removed, added) = changed_lines(&text, &out.text);
        assert!(added.is_empty());
        assert_eq!(removed.len(), 2, "{removed:?}");

        let out = edit(&text, |c| {
            c.lessons.insert(0, "Retries need idempotency keys.".into())
        });
        let (removed, added) = changed_lines(&text, &out.text);
        assert!(removed.is_empty());
        assert_eq!(added, ["  - Retries need idempotency keys."]);
        assert!(out.text.contains("# keep this\nlessons:"));

        let out = edit(&text, |c| c.lessons.push("A second lesson.".into()));
        let (removed, added) = changed_lines(&text, &out.text);
        assert!(removed.is_empty());
        assert_eq!(added, ["  - A second lesson."]);
    }

    #[test]
    fn a_new_optional_key_and_a_multi_line_answer() {
        let text = sample();
        let out = edit(&text, |c| c.incident_ref = Some("PD-1234".into()));
        let (removed, added) = changed_lines(&text, &out.text);
        assert_eq!(
            (removed, added),
            (
                vec!["incident_ref: PD-48240".to_owned()],
                vec!["incident_ref: PD-1234".to_owned()]
            )
        );
        let without = out.text.replace("incident_ref: PD-1234\n", "");
        let out = edit(&without, |c| c.incident_ref = Some("PD-9".into()));
        assert_eq!(out.text, text.replace("PD-48240", "PD-9"));

        let out = edit(&text, |c| {
            c.implications.security = "None: no data left the system.\nChecked the logs.\n".into()
        });
        let (_, added) = changed_lines(&text, &out.text);
        assert_eq!(
            added,
            [
                "  security: |",
                "    None: no data left the system.",
                "    Checked the logs."
            ]
        );
    }

    #[test]
    fn comments_inside_a_replaced_value_are_reported() {
        let text = sample().replacen("  whys:\n", "  whys:\n    # from the review\n", 1);
        let out = edit(&text, |c| c.root_cause.whys = vec!["Only one.".into()]);
        assert_eq!(out.dropped_comments, ["# from the review"]);
    }

    #[test]
    fn four_space_indentation_is_kept() {
        let text = "version: 1\nid: 2026-11-22-x\ntitle: X\nstatus: draft\nseverity: SEV2\n\
                    incident:\n    started: 2026-11-22T09:58:00Z\ncorrective_actions:\n    \
                    -   id: CA-1\n        action: Do it\n        owner: team\n        \
                    status: open\n";
        let out = edit(text, |c| {
            c.corrective_actions[0].status = ActionStatus::Done;
            c.corrective_actions[0].done = Some(jiff::civil::date(2026, 11, 1));
            c.incident.detected = Some("2026-11-22T10:00:00Z".parse().expect("stamp"));
        });
        let expected = text
            .replace(
                "09:58:00Z\n",
                "09:58:00Z\n    detected: \"2026-11-22T10:00:00Z\"\n",
            )
            .replace(
                "status: open\n",
                "status: done\n        done: \"2026-11-01\"\n",
            );
        assert_eq!(out.text, expected);
    }

    type Change = Box<dyn Fn(&mut Coe)>;

    /// Every one-field change the commands make, on every demo COE: edited in place, and
    /// only the lines of that field change (the rest of the file is byte-identical).
    #[test]
    fn every_demo_coe_takes_every_kind_of_change_in_place() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo/coes");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).expect("demo dir") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
            let old = format::parse(&text).expect("parses");
            files += 1;
            let changes: Vec<Change> = vec![
                Box::new(|c| c.status = Status::Draft),
                Box::new(|c| {
                    if let Some(a) = c.corrective_actions.first_mut() {
                        a.status = ActionStatus::Wontfix;
                        a.link = Some("https://x.example/1".into());
                    }
                }),
                Box::new(|c| {
                    if let Some(a) = c.corrective_actions.last_mut() {
                        a.done = None;
                    }
                }),
                Box::new(|c| c.lessons.push("One more.".into())),
                Box::new(|c| {
                    c.what_happened.timeline.pop();
                }),
                Box::new(|c| {
                    let at = c.root_cause.whys.len().min(1);
                    c.root_cause.whys.insert(at, "Because.".into());
                }),
                Box::new(|c| c.impact.customers_affected = Some(7)),
                Box::new(|c| c.title = "Renamed: a title with a colon".into()),
            ];
            for change in changes {
                let mut new = old.clone();
                change(&mut new);
                let out = update(&text, &old, &new).expect("in place");
                let (removed, added) = changed_lines(&text, &out.text);
                assert!(removed.len() + added.len() <= 6, "{removed:?} -> {added:?}");
            }
        }
        assert!(files >= 5);
    }

    #[test]
    fn trailing_comments_respect_quotes() {
        assert_eq!(trailing_comment("a: b # c"), Some(" # c"));
        assert_eq!(trailing_comment("a: 'b # c'"), None);
        assert_eq!(trailing_comment("a: \"b#c\" # d"), Some(" # d"));
        assert_eq!(trailing_comment("a: b#c"), None);
    }
}
