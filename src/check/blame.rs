//! The blameless lint: phrases from `blame_terms` found in free-text answers, each with a
//! suggestion for a blameless rewrite.

/// A configured blame phrase, normalised for matching.
#[derive(Debug, Clone)]
pub struct Term {
    /// The phrase as configured.
    pub phrase: String,
    normalised: String,
}

/// Normalises the configured phrases: lower case, single spaces; empty ones are dropped.
pub fn terms(configured: &[String]) -> Vec<Term> {
    configured
        .iter()
        .filter_map(|phrase| {
            let normalised = normalise(phrase);
            (!normalised.is_empty()).then(|| Term {
                phrase: phrase.trim().to_string(),
                normalised,
            })
        })
        .collect()
}

/// The terms found in `text` as whole phrases (case-insensitive; line breaks and runs of
/// spaces count as one space), in the order of `terms`.
pub fn find<'t>(text: &str, terms: &'t [Term]) -> Vec<&'t Term> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let text = normalise(text);
    terms
        .iter()
        .filter(|term| contains_phrase(&text, &term.normalised))
        .collect()
}

fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(start, matched)| {
        let before = text[..start].chars().next_back();
        let after = text[start + matched.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn normalise(text: &str) -> String {
    let lower = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How to say it without blame: the message `coe check` gives for a phrase.
pub fn suggestion(phrase: &str) -> &'static str {
    match normalise(phrase).as_str() {
        "human error" | "operator error" | "user error" | "mistake by" => {
            "ask why the system allowed the mistake: describe the missing guardrail"
        }
        "careless" | "carelessness" | "negligence" | "negligent" | "sloppy" | "lazy"
        | "incompetent" | "stupid" => {
            "describe the conditions that made the mistake easy to make, not the person who made it"
        }
        "should have known" | "should have noticed" | "should have caught" => {
            "describe what would have made the problem visible: the missing alarm, check or documentation"
        }
        "failed to follow" | "didn't bother" | "did not bother" => {
            "ask why the process was easy to skip, and what would enforce it"
        }
        _ => "name the system or process that failed, not the people involved",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, configured: &[&str]) -> Vec<String> {
        let configured: Vec<String> = configured.iter().map(|s| s.to_string()).collect();
        let terms = terms(&configured);
        find(text, &terms)
            .into_iter()
            .map(|t| t.phrase.clone())
            .collect()
    }

    #[test]
    fn whole_phrases_only() {
        let terms = ["human error", "careless", "blame", "didn't bother"];
        assert_eq!(
            found("It was HUMAN\n  error, plainly.", &terms),
            ["human error"]
        );
        assert_eq!(found("A blameless review.", &terms), Vec::<String>::new());
        assert_eq!(found("carelessness", &terms), Vec::<String>::new());
        assert_eq!(found("(careless)", &terms), ["careless"]);
        assert_eq!(
            found("They didn\u{2019}t bother.", &terms),
            ["didn't bother"]
        );
        assert_eq!(found("inhuman errors", &terms), Vec::<String>::new());
    }

    #[test]
    fn empty_terms_never_match() {
        assert_eq!(found("anything", &["", "  "]), Vec::<String>::new());
    }

    #[test]
    fn non_ascii_text_does_not_panic() {
        assert_eq!(
            found("Ärger: human error — ß", &["human error", "ß"]),
            ["human error", "ß"]
        );
        assert_eq!(found("İstanbul", &["i̇stanbul"]).len(), 1);
    }

    #[test]
    fn every_default_term_has_a_specific_suggestion() {
        for term in crate::config::DEFAULT_BLAME_TERMS {
            if ["fault of", "their fault", "his fault", "her fault", "blame"].contains(term) {
                continue;
            }
            assert_ne!(
                suggestion(term),
                suggestion("something configured"),
                "{term}"
            );
        }
    }
}
