//! Checks made while the answers are typed: blame language with a blameless rephrasing
//! to accept or decline, and links that are neither a web address nor a repository path.

use crate::model::blame;

/// A blameless rewrite of `phrase` (one of the built-in blame phrases), to put in its place.
fn replacement(phrase: &str) -> Option<&'static str> {
    Some(match phrase.to_lowercase().as_str() {
        "human error" | "operator error" | "user error" => {
            "a mistake the system did not guard against"
        }
        "mistake by" => "a mistake made during the work of",
        "careless" | "negligent" | "sloppy" | "lazy" => "unguarded",
        "carelessness" | "negligence" => "a missing safeguard",
        "incompetent" => "unsupported",
        "stupid" => "avoidable",
        "should have known" => "had no way to know",
        "should have noticed" => "had no signal to notice",
        "should have caught" => "had no check that would catch",
        "failed to follow" => "did not follow",
        "didn't bother" | "did not bother" => "had no prompt",
        "fault of" => "a gap that involved",
        "their fault" | "his fault" | "her fault" => "a gap in the process",
        "blame" => "cause",
        _ => return None,
    })
}

/// A blame phrase found in an answer: the phrase, why it reads as blame, and the answer
/// rewritten without it (when coe knows a rewrite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameFinding {
    /// The configured phrase.
    pub phrase: String,
    /// How to say it without blame.
    pub advice: &'static str,
    /// The whole answer with the phrase replaced.
    pub rephrased: Option<String>,
}

/// The first blame phrase in `text`, with a rephrasing.
pub fn blame_in(terms: &blame::Terms, text: &str) -> Option<BlameFinding> {
    let found = terms.find(text, &mut String::new());
    let term = found.first()?;
    let phrase = term.phrase.clone();
    let rephrased = replacement(&phrase).and_then(|with| replace_phrase(text, &phrase, with));
    Some(BlameFinding {
        advice: blame::suggestion(&phrase),
        phrase,
        rephrased,
    })
}

/// `text` with every whole-word, case-insensitive occurrence of `phrase` replaced; `None`
/// when it does not occur as written (across a line break, say).
fn replace_phrase(text: &str, phrase: &str, with: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let needle = phrase.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then positions do not line up.
    if lower.len() != text.len() || needle.is_empty() {
        return None;
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut out = String::new();
    let mut rest = 0;
    let mut found = false;
    let mut from = 0;
    while let Some(i) = lower[from..].find(&needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        if !is_word(before) && !is_word(after) {
            out.push_str(&text[rest..start]);
            // "Human error was ..." becomes "A mistake ...": keep a capital letter.
            let sentence_start = text[..start]
                .trim_end()
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, '.' | '!' | '?'));
            if sentence_start && text[start..].starts_with(char::is_uppercase) {
                let mut chars = with.chars();
                out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                out.push_str(chars.as_str());
            } else {
                out.push_str(with);
            }
            rest = end;
            found = true;
        }
        from = end;
    }
    out.push_str(&text[rest..]);
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::policy::Config;

    #[test]
    fn blame_is_found_and_rephrased() {
        let terms = blame::Terms::new(&Config::default().blame_terms);
        let f = blame_in(
            &terms,
            "The outage was caused by Human Error during the migration.",
        )
        .unwrap();
        assert_eq!(f.phrase, "human error");
        assert_eq!(
            f.rephrased.as_deref(),
            Some("The outage was caused by a mistake the system did not guard against during the migration.")
        );
        let f = blame_in(
            &terms,
            "The on-call engineer should have noticed the disk filling.",
        )
        .unwrap();
        assert_eq!(
            f.rephrased.as_deref(),
            Some("The on-call engineer had no signal to notice the disk filling.")
        );
        assert_eq!(blame_in(&terms, "A blameless review of the runbook."), None);
    }

    #[test]
    fn custom_phrases_are_flagged_without_a_rewrite() {
        let terms = blame::Terms::new(&["rookie".to_string()]);
        let f = blame_in(&terms, "A rookie deploy.").unwrap();
        assert_eq!((f.phrase.as_str(), f.rephrased), ("rookie", None));
    }
}
