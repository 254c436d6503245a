//! The COE file on disk: YAML in the SPEC's layout, and parse errors that name the line.
//!
//! serde_yaml reads the file; the writer is ours, because the format is meant to be read and
//! reviewed by people: keys in SPEC order, the question as a comment above each section,
//! multi-line answers as `|` blocks, and every string that another YAML reader could mistake
//! for a boolean, number, null or date written quoted.

use std::fmt::Write as _;

use crate::model::coe::{
    Coe, CorrectiveAction, DataPoint, Impact, Implications, RootCause, WhatHappened, FORMAT_VERSION,
};
use crate::model::questions::{Section, QUESTIONS};

/// Why a COE file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What is wrong, in a sentence.
    pub message: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// Dotted path of the field, where known.
    pub field: Option<String>,
}

/// Reads a COE from YAML text.
pub fn parse(text: &str) -> Result<Coe, ParseError> {
    match serde_yaml::from_str::<Coe>(text) {
        Ok(coe) if coe.version == FORMAT_VERSION => Ok(coe),
        Ok(coe) => Err(unknown_version(text, &coe.version.to_string())),
        Err(err) => Err(explain(text, err)),
    }
}

/// A serde_yaml or serde_json message without the " at line L column C" they end with,
/// for callers that report the line themselves.
pub fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

fn unknown_version(text: &str, version: &str) -> ParseError {
    let line = text
        .lines()
        .position(|l| l.starts_with("version:"))
        .map(|i| i + 1);
    ParseError {
        message: format!("unsupported format version {version}: this build of coe reads version {FORMAT_VERSION}; upgrade coe to read it"),
        line,
        column: None,
        field: Some("version".into()),
    }
}

/// Turns a serde_yaml error into a ParseError, preferring "unknown version" over whatever
/// a newer format's fields made serde trip on.
fn explain(text: &str, err: serde_yaml::Error) -> ParseError {
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        version: Option<serde_yaml::Value>,
    }
    if let Ok(VersionOnly { version: Some(v) }) = serde_yaml::from_str::<VersionOnly>(text) {
        let shown = match &v {
            serde_yaml::Value::Number(n) => Some(n.to_string()),
            serde_yaml::Value::String(s) => Some(format!("`{s}`")),
            _ => None,
        };
        if v.as_u64() != Some(u64::from(FORMAT_VERSION)) {
            if let Some(shown) = shown {
                return unknown_version(text, &shown);
            }
        }
    }
    let location = err.location();
    let raw = err.to_string();
    // serde_yaml prefixes nested errors with the path ("incident.started: ...") and
    // suffixes " at line L column C"; keep the path as the field and drop the suffix.
    let without_location = strip_location(&raw);
    let (field, message) = match without_location.split_once(": ") {
        Some((path, rest)) if is_field_path(path) => (Some(path.to_string()), rest.to_string()),
        _ => (None, without_location.to_string()),
    };
    let mut line = location.as_ref().map(|l| l.line());
    let mut column = location.as_ref().map(|l| l.column());
    let mut field = field;
    let mut message = message;
    if text.trim().is_empty() {
        message = "the file is empty".to_string();
    } else if message.contains("cannot start any token") && text.contains('\t') {
        message.push_str(" (YAML is indented with spaces, not tabs)");
    } else if let Some((at, key)) = bad_value_line(text, &message) {
        // A bad timestamp is reported by serde_yaml at its enclosing map; point at the value.
        line = Some(at);
        column = None;
        field = Some(match field {
            Some(parent) if !parent.ends_with(&key) => format!("{parent}.{key}"),
            Some(parent) => parent,
            None => key,
        });
    }
    ParseError {
        message,
        line,
        column,
        field,
    }
}

/// The line (1-based) and key of the first `key: value` line holding the value quoted in
/// backticks at the start of `message`, as value errors from `Stamp` are.
fn bad_value_line(text: &str, message: &str) -> Option<(usize, String)> {
    let value = message.strip_prefix('`')?.split('`').next()?;
    if value.is_empty() {
        return None;
    }
    text.lines().enumerate().find_map(|(i, l)| {
        let (key, rest) = l.trim_start().trim_start_matches("- ").split_once(':')?;
        let rest = rest.trim().trim_matches(['"', '\'']);
        (rest == value).then(|| (i + 1, key.trim().to_string()))
    })
}

fn is_field_path(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
}

/// Writes a COE as YAML in the SPEC's layout. `parse(&to_yaml(c)) == c` for every COE, and a
/// file written by this function is reproduced byte for byte by load then save.
pub fn to_yaml(coe: &Coe) -> String {
    let mut w = Writer::default();
    w.scalar(0, "version", &coe.version.to_string(), false);
    w.scalar(0, "id", &coe.id, true);
    w.scalar(0, "title", &coe.title, true);
    w.scalar(0, "status", coe.status.as_str(), true);
    w.scalar(0, "severity", &coe.severity, true);
    w.scalar(0, "leader", &coe.leader, true);
    if let Some(r) = &coe.incident_ref {
        w.scalar(0, "incident_ref", r, true);
    }
    w.flow_list(0, "services", &coe.services);
    w.flow_list(0, "tags", &coe.tags);
    w.key(0, "incident");
    let inc = &coe.incident;
    w.scalar(2, "started", inc.started.as_str(), true);
    for (key, stamp) in [
        ("detected", &inc.detected),
        ("mitigated", &inc.mitigated),
        ("resolved", &inc.resolved),
    ] {
        if let Some(s) = stamp {
            w.scalar(2, key, s.as_str(), true);
        }
    }

    for q in &QUESTIONS {
        w.out.push('\n');
        let _ = writeln!(w.out, "# {}. {}", q.number, q.text);
        // Each section destructured whole: a field added to its struct is a compile
        // error here until the writer writes it.
        let key = q.section.key();
        match q.section {
            Section::WhatHappened => {
                let WhatHappened { summary, timeline } = &coe.what_happened;
                w.key(0, key);
                w.text(2, "summary", summary);
                w.items(2, "timeline", timeline, |w, e| {
                    w.scalar(6, "at", e.at.as_str(), true);
                    w.text(6, "event", &e.event);
                });
            }
            Section::Impact => {
                let Impact {
                    customers,
                    customers_affected,
                    business,
                    remediation,
                } = &coe.impact;
                w.key(0, key);
                w.text(2, "customers", customers);
                if let Some(n) = customers_affected {
                    w.scalar(2, "customers_affected", &n.to_string(), false);
                }
                w.text(2, "business", business);
                w.text(2, "remediation", remediation);
            }
            Section::RootCause => {
                let RootCause {
                    summary,
                    category,
                    whys,
                } = &coe.root_cause;
                w.key(0, key);
                w.text(2, "summary", summary);
                w.scalar(2, "category", category, true);
                w.string_items(2, "whys", whys);
            }
            Section::Data => w.items(0, key, &coe.data, |w, d| {
                let DataPoint { description, link } = d;
                w.text(4, "description", description);
                if let Some(link) = link {
                    w.scalar(4, "link", link, true);
                }
            }),
            Section::Implications => {
                let Implications { security, other } = &coe.implications;
                w.key(0, key);
                w.text(2, "security", security);
                w.text(2, "other", other);
            }
            Section::Lessons => w.string_items(0, key, &coe.lessons),
            Section::CorrectiveActions => w.items(0, key, &coe.corrective_actions, |w, ca| {
                let CorrectiveAction {
                    id,
                    action,
                    kind,
                    owner,
                    due,
                    status,
                    done,
                    reason,
                    link,
                } = ca;
                w.scalar(4, "id", id, true);
                w.text(4, "action", action);
                if let Some(kind) = kind {
                    w.scalar(4, "kind", kind.as_str(), true);
                }
                w.scalar(4, "owner", owner, true);
                if let Some(due) = due {
                    w.scalar(4, "due", &due.to_string(), true);
                }
                w.scalar(4, "status", status.as_str(), true);
                if let Some(done) = done {
                    w.scalar(4, "done", &done.to_string(), true);
                }
                if let Some(reason) = reason {
                    w.text(4, "reason", reason);
                }
                if let Some(link) = link {
                    w.scalar(4, "link", link, true);
                }
            }),
        }
    }
    write_contributing_factors(&mut w, coe);
    if !coe.review.is_empty() {
        w.out.push('\n');
        w.key(0, "review");
        w.items(2, "approvals", &coe.review.approvals, |w, a| {
            w.scalar(6, "by", &a.by, true);
            w.scalar(6, "on", &a.on.to_string(), true);
        });
    }
    w.out
}

/// The optional `contributing_factors` after question 7; nothing when there are none, so
/// files without them stay as they were.
fn write_contributing_factors(w: &mut Writer, coe: &Coe) {
    if coe.contributing_factors.is_empty() {
        return;
    }
    w.out.push('\n');
    w.out.push_str(CONTRIBUTING_FACTORS_COMMENT);
    w.out.push('\n');
    w.items(
        0,
        "contributing_factors",
        &coe.contributing_factors,
        |w, f| {
            w.scalar(4, "category", &f.category, true);
            w.text(4, "description", &f.description);
        },
    );
}

/// The comment above `contributing_factors`, as the questions have theirs.
pub const CONTRIBUTING_FACTORS_COMMENT: &str =
    "# Contributing factors (optional): what else made it possible or worse?";

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn indent(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    fn key(&mut self, indent: usize, key: &str) {
        self.indent(indent);
        self.out.push_str(key);
        self.out.push_str(":\n");
    }

    /// `key: value`, quoted when `quote_if_needed` and a plain scalar would be misread.
    fn scalar(&mut self, indent: usize, key: &str, value: &str, is_string: bool) {
        self.indent(indent);
        self.out.push_str(key);
        self.out.push_str(": ");
        if is_string {
            push_string(&mut self.out, value, false);
        } else {
            self.out.push_str(value);
        }
        self.out.push('\n');
    }

    /// A free-text answer: a `|` block when it spans lines, else a scalar.
    fn text(&mut self, indent: usize, key: &str, value: &str) {
        if let Some(block) = block_scalar(value, indent + 2) {
            self.indent(indent);
            self.out.push_str(key);
            self.out.push_str(": ");
            self.out.push_str(&block);
        } else {
            self.scalar(indent, key, value, true);
        }
    }

    fn flow_list(&mut self, indent: usize, key: &str, items: &[String]) {
        self.indent(indent);
        self.out.push_str(key);
        self.out.push_str(": [");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            push_string(&mut self.out, item, true);
        }
        self.out.push_str("]\n");
    }

    fn empty_list(&mut self, indent: usize, key: &str) {
        self.indent(indent);
        self.out.push_str(key);
        self.out.push_str(": []\n");
    }

    fn string_items(&mut self, indent: usize, key: &str, items: &[String]) {
        if items.is_empty() {
            return self.empty_list(indent, key);
        }
        self.key(indent, key);
        for item in items {
            self.indent(indent + 2);
            self.out.push_str("- ");
            match block_scalar(item, indent + 4) {
                Some(block) => self.out.push_str(&block),
                None => {
                    push_string(&mut self.out, item, false);
                    self.out.push('\n');
                }
            }
        }
    }

    /// A list of maps; `write` writes each map's fields at `indent + 4`, and the first
    /// field's indentation is replaced by the `- ` marker.
    fn items<T>(
        &mut self,
        indent: usize,
        key: &str,
        items: &[T],
        mut write: impl FnMut(&mut Self, &T),
    ) {
        if items.is_empty() {
            return self.empty_list(indent, key);
        }
        self.key(indent, key);
        for item in items {
            let start = self.out.len();
            write(self, item);
            // The first line starts with indent+4 spaces: make it `  - `.
            let marker = format!("{}- ", " ".repeat(indent + 2));
            self.out.replace_range(start..start + indent + 4, &marker);
        }
    }
}

/// A `|` block for multi-line text, or None when a scalar reads better or a block cannot
/// hold the text exactly (leading spaces on the first line, control characters).
fn block_scalar(value: &str, indent: usize) -> Option<String> {
    let body = value.trim_end_matches('\n');
    if !body.contains('\n') {
        return None;
    }
    let first_line_indented = body.starts_with(' ') || body.starts_with('\t');
    let bad_char = value.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || c == '\u{feff}'
            || c == '\u{2028}'
            || c == '\u{2029}'
            || c == '\u{85}'
    });
    // A line of only spaces before content would change the detected indentation.
    let leading_blank_with_spaces = body
        .lines()
        .take_while(|l| l.trim().is_empty())
        .any(|l| !l.is_empty());
    // `|+` would also keep the blank line that separates sections: quote such text instead.
    let keeps_blank_lines = value.len() - body.len() > 1;
    if first_line_indented
        || bad_char
        || leading_blank_with_spaces
        || body.starts_with('\n')
        || keeps_blank_lines
    {
        return None;
    }
    let chomp = if value.ends_with('\n') { "" } else { "-" };
    let mut out = format!("|{chomp}\n");
    let pad = " ".repeat(indent);
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

/// Appends a string scalar: plain when every YAML 1.1 and 1.2 reader reads it back as this
/// string, otherwise double-quoted with escapes.
fn push_string(out: &mut String, s: &str, in_flow: bool) {
    if is_plain_safe(s, in_flow) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.chars().any(|c| {
        c.is_control()
            || matches!(
                c,
                '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{a0}'
            )
    }) {
        return false;
    }
    // libyaml ends a plain scalar at `:` inside a flow collection, whatever follows it.
    if in_flow && s.contains([',', '[', ']', '{', '}', ':', '#']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`.+~=<".contains(first) {
        return false;
    }
    // Words YAML 1.1 reads as booleans or null.
    const WORDS: [&str; 10] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan",
    ];
    if WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return false;
    }
    // Numbers, dates and timestamps all start with a digit; keep a digit-led string plain
    // only when it holds a letter no number or date can contain.
    if first.is_ascii_digit() {
        return s
            .chars()
            .any(|c| c.is_ascii_alphabetic() && !"eEoOxXtTzZabcdefABCDEF".contains(c));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> bool {
        is_plain_safe(s, false)
    }

    #[test]
    fn every_question_is_written_as_a_comment_above_its_section() {
        let complete = parse(include_str!("../../fuzz/seeds/load_coe/complete.yaml")).unwrap();
        for q in &QUESTIONS {
            assert!(to_yaml(&complete).contains(&format!(
                "# {}. {}\n{}:",
                q.number,
                q.text,
                q.section.key()
            )));
        }
    }

    #[test]
    fn quotes_what_other_readers_mistype() {
        for s in [
            "no",
            "Yes",
            "off",
            "null",
            "~",
            "2026-12-15",
            "2026-11-22T09:58:00Z",
            "1e3",
            "0x1F",
            "12:30",
            "",
            " x",
            "a: b",
            "- x",
            "'q'",
        ] {
            assert!(!plain(s), "{s:?} must be quoted");
        }
        for s in [
            "checkout",
            "Jane Doe",
            "2026-11-22-checkout-latency",
            "team-platform",
            "CA-1",
            "https://x.example/a?b=c",
        ] {
            assert!(plain(s), "{s:?} can stay plain");
        }
    }

    #[test]
    fn strings_survive_serde_yaml() {
        for s in [
            "no",
            "a \"b\" \\ c",
            "tab\there",
            "ctl\u{1}",
            "line\nbreak",
            "  lead",
            "x #y",
            "[a]",
            "é ü",
        ] {
            let mut out = String::from("k: ");
            push_string(&mut out, s, false);
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"));
            assert_eq!(back["k"], s, "{out}");
        }
    }

    #[test]
    fn bad_timestamps_point_at_their_line_and_field() {
        let text = "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\nincident:\n  started: 2026-11-22T09:58:00Z\n  resolved: 2026-11-31T10:00:00Z\n";
        let err = parse(text).unwrap_err();
        assert_eq!(
            (err.line, err.field.as_deref()),
            (Some(7), Some("incident.resolved")),
            "{err:?}"
        );
        let tabs = parse("version: 1\nincident:\n\tstarted: x\n").unwrap_err();
        assert!(tabs.message.contains("not tabs"), "{tabs:?}");
    }

    #[test]
    fn contributing_factors_come_after_question_7_only_when_given() {
        let text = include_str!(
            "../../examples/demo/coes/2026-11-22-checkout-latency-spike-after-config-push.yaml"
        );
        let mut coe = parse(text).unwrap();
        coe.contributing_factors.clear();
        let without = to_yaml(&coe);
        assert!(!without.contains("contributing_factors"), "{without}");
        coe.contributing_factors = vec![crate::model::coe::ContributingFactor {
            category: "deployment".into(),
            description: "The push skipped the canary.\nNobody was paged.\n".into(),
        }];
        let with = to_yaml(&coe);
        let tail = with.strip_prefix(without.as_str()).unwrap();
        assert_eq!(
            tail,
            format!(
                "\n{CONTRIBUTING_FACTORS_COMMENT}\ncontributing_factors:\n  - category: deployment\n    description: |\n      The push skipped the canary.\n      Nobody was paged.\n"
            )
        );
        assert_eq!(parse(&with).unwrap(), coe);
    }

    #[test]
    fn trailing_blank_lines_are_quoted_not_kept() {
        assert_eq!(block_scalar("a\nb\n\n", 2), None);
    }

    #[test]
    fn blocks_survive_serde_yaml() {
        for s in [
            "a\nb\n",
            "a\nb",
            "a\n\nb\n",
            "a\n  indented\nc\n",
            "x:\n- y\n",
        ] {
            let block = block_scalar(s, 2).unwrap_or_else(|| panic!("{s:?} should be a block"));
            let back: std::collections::BTreeMap<String, String> =
                serde_yaml::from_str(&format!("k: {block}"))
                    .unwrap_or_else(|e| panic!("{block}: {e}"));
            assert_eq!(back["k"], s);
        }
    }
}
