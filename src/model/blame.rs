//! The blameless lint: phrases from `blame_terms` found in free-text answers, each with a
//! suggestion for a blameless rewrite.

use aho_corasick::AhoCorasick;

/// A configured blame phrase, normalised for matching.
#[derive(Debug, Clone)]
pub struct Term {
    /// The phrase as configured.
    pub phrase: String,
    normalised: String,
}

/// The configured blame phrases, and an automaton that finds all of them in one pass over
/// a text. Built once per run: `coe check` looks through every free-text answer of every
/// COE.
#[derive(Debug, Clone)]
pub struct Terms {
    terms: Vec<Term>,
    /// Over the normalised phrases, pattern `i` being `terms[i]`; `None` without terms.
    automaton: Option<AhoCorasick>,
    /// Over the phrases' first words, ignoring ASCII case: when none is in an ASCII text,
    /// no phrase is, and the text need not be normalised.
    first_words: Option<AhoCorasick>,
}

impl Terms {
    /// Normalises the configured phrases (lower case, single spaces), dropping empty ones.
    pub fn new(configured: &[String]) -> Terms {
        let terms: Vec<Term> = configured
            .iter()
            .filter_map(|phrase| {
                let mut normalised = String::new();
                normalise(phrase, &mut normalised);
                (!normalised.is_empty()).then(|| Term {
                    phrase: phrase.trim().to_string(),
                    normalised,
                })
            })
            .collect();
        // Building fails only past the automaton's size limits, far beyond any list of
        // phrases; without it, nothing is found (as without terms).
        let automaton = (!terms.is_empty())
            .then(|| AhoCorasick::new(terms.iter().map(|t| &t.normalised)).ok())
            .flatten();
        let first_words = (!terms.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    // Leftmost matching lets the automaton use its SIMD prefilter.
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(
                        terms
                            .iter()
                            .map(|t| t.normalised.split(' ').next().unwrap_or(&t.normalised)),
                    )
                    .ok()
            })
            .flatten();
        Terms {
            terms,
            automaton,
            first_words,
        }
    }

    /// Whether there are no phrases to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms found in `text` as whole phrases (case-insensitive; line breaks and runs
    /// of spaces count as one space), in the configured order. `scratch` holds the
    /// normalised text, reused from one call to the next.
    pub fn find(&self, text: &str, scratch: &mut String) -> Vec<&Term> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        if text.trim().is_empty() {
            return Vec::new();
        }
        // Most answers have none of the phrases, and are ASCII: there, lower-casing and
        // joining lines cannot make a phrase's first word appear.
        if text.is_ascii() && self.first_words.as_ref().is_some_and(|w| !w.is_match(text)) {
            return Vec::new();
        }
        normalise(text, scratch);
        let text = scratch.as_str();
        // Each phrase's occurrences are taken as `str::match_indices` gives them: from the
        // left, not overlapping one another (other phrases' may overlap them).
        let mut next_start = vec![0; self.terms.len()];
        let mut found = vec![false; self.terms.len()];
        for m in automaton.find_overlapping_iter(text) {
            let term = m.pattern().as_usize();
            if m.start() < next_start[term] {
                continue;
            }
            next_start[term] = m.end();
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                found[term] = true;
            }
        }
        self.terms
            .iter()
            .zip(found)
            .filter_map(|(term, found)| found.then_some(term))
            .collect()
    }
}

/// `text` lower-cased, with curly apostrophes made straight and each run of whitespace
/// made one space, trimmed; into `out`. The lint's matching and the search for the line a
/// phrase is on (`lines.rs`) both see text this way.
pub(crate) fn normalise(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        // The common case, word by word, lower-cased in place at the end: the same result
        // as below for ASCII text, whose whitespace (for `split_whitespace`) is these six
        // characters.
        let words = text
            .split([' ', '\t', '\n', '\x0b', '\x0c', '\r'])
            .filter(|word| !word.is_empty());
        for word in words {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return;
    }
    let lower = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
    for word in lower.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// How to say it without blame: the message `coe check` gives for a phrase.
pub fn suggestion(phrase: &str) -> &'static str {
    let mut normalised = String::new();
    normalise(phrase, &mut normalised);
    match normalised.as_str() {
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
        Terms::new(&configured)
            .find(text, &mut String::new())
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

    /// The matching as it was first written: per phrase, a substring search of the text
    /// normalised with `str` methods. The automaton must give the same answers.
    fn reference(text: &str, configured: &[&str]) -> Vec<String> {
        fn norm(text: &str) -> String {
            let lower = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
            lower.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        if text.trim().is_empty() {
            return Vec::new();
        }
        let text = norm(text);
        configured
            .iter()
            .filter(|phrase| {
                let phrase = norm(phrase);
                !phrase.is_empty()
                    && text.match_indices(&phrase).any(|(start, matched)| {
                        let before = text[..start].chars().next_back();
                        let after = text[start + matched.len()..].chars().next();
                        !before.is_some_and(char::is_alphanumeric)
                            && !after.is_some_and(char::is_alphanumeric)
                    })
            })
            .map(|phrase| phrase.trim().to_string())
            .collect()
    }

    #[test]
    fn ascii_normalisation_is_the_general_one() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [all.as_str(), " \x0b\x0cA\x1cB\x1f  C\r\n", "", "  "] {
            let mut fast = String::new();
            normalise(text, &mut fast);
            let general = text
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(fast, general, "{text:?}");
        }
    }

    #[test]
    fn overlapping_and_repeated_phrases_as_before() {
        for (text, terms) in [
            ("x!!!", &["!!"][..]),
            ("!! x!!!", &["!!"]),
            ("aaa aa", &["aa", "a"]),
            (
                "Careless, careless.",
                &["careless", "Careless", "care less"],
            ),
            ("human error", &["human error", "error", "human"]),
        ] {
            assert_eq!(
                found(text, terms),
                reference(text, terms),
                "{text:?} {terms:?}"
            );
        }
        assert_eq!(
            found("Careless.", &["careless", "CARELESS"]),
            ["careless", "CARELESS"]
        );
    }

    proptest::proptest! {
        #[test]
        fn the_automaton_finds_what_the_substring_search_found(
            text in "[aAbİß!Σς’ \n\t-]{0,24}",
            terms in proptest::collection::vec("[aAbİß!Σς’ -]{0,4}", 0..5),
        ) {
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(found(&text, &terms), reference(&text, &terms));
        }
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
        for term in crate::model::policy::DEFAULT_BLAME_TERMS {
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
