//! The domain model: the COE document, the seven questions, times, the policy read from
//! `.coe.yaml` as plain data, and the blameless lint's terms. It depends on nothing else in
//! the crate, so it is tested with plain values.

pub mod blame;
pub mod coe;
pub mod complete;
pub mod dates;
pub mod ids;
pub mod kinds;
pub mod policy;
pub mod questions;
pub mod times;

/// True when a text is still a template placeholder (`TODO`, `TBD`, `...`, empty), which
/// does not count as an answer.
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    if t.chars()
        .all(|c| c == '.' || c == '…' || c == '-' || c == '_' || c.is_whitespace())
    {
        return true;
    }
    const MARKERS: [&str; 4] = ["TODO", "TBD", "FIXME", "XXX"];
    // The marker alone, in any case and with punctuation ("todo", "TBD."), or written in
    // capitals and followed by a note ("TODO: ask the DBA", "TBD pending analysis"); never
    // an answer that merely starts with the word ("Todo service returned 500s").
    let is_marker_alone = |word: &str| {
        let bare = word.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
        MARKERS.iter().any(|m| bare.eq_ignore_ascii_case(m))
    };
    if is_marker_alone(t) {
        return true;
    }
    MARKERS.iter().any(|m| {
        t.strip_prefix(m)
            .is_some_and(|rest| rest.starts_with([':', ' ', '(', ',', '.', ';']))
    })
}

/// `1 entry`, `3 entries`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "  ",
            "TODO",
            "todo",
            "TODO: fill in",
            "TBD",
            "...",
            "…",
            "TBD.",
            "TBD pending analysis",
            "FIXME (ask DBA)",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        for a in [
            "None: no data exposed",
            "Todos service crashed",
            "Tbdx",
            "Todo service returned 500s",
            "XXX-large payloads were not tested",
            "todo: the to-do list app",
        ] {
            assert!(!is_placeholder(a), "{a:?}");
        }
    }
}
