//! When a COE is complete: every required field of the seven questions answered, read off
//! the question table, so a new field is checked where it is declared.

use super::coe::Coe;
use super::is_placeholder;
use super::plural;
use super::policy::Config;
use super::questions::{Answer, Min, Question, QUESTIONS};

/// A field that keeps a COE from being complete.
#[derive(Debug, Clone)]
pub struct Missing {
    /// The question it belongs to.
    pub question: &'static Question,
    /// Dotted path of the field, e.g. `root_cause.whys` or `corrective_actions[1].owner`.
    pub field: String,
    /// What is missing, as a sentence fragment ("at least 3 whys (has 1)").
    pub what: String,
}
impl Coe {
    /// The fields that keep this COE from being complete; empty when it is complete.
    pub fn missing(&self, config: &Config) -> Vec<Missing> {
        let mut out = Vec::new();
        for question in &QUESTIONS {
            for field in question.fields {
                let mut miss = |field: String, what: String| {
                    out.push(Missing {
                        question,
                        field,
                        what,
                    })
                };
                match field.answer {
                    Answer::Text { get, required } => {
                        if required && is_placeholder(get(self)) {
                            miss(field.path.into(), "an answer".into());
                        }
                    }
                    Answer::Items { get, min, .. } => {
                        let have = get(self).into_iter().filter(|t| !is_placeholder(t)).count();
                        let need = min.count(config);
                        if have < need {
                            let what = match min {
                                Min::Entries(_) => plural(need, "entry", "entries"),
                                Min::ConfiguredWhys => {
                                    format!("{} (has {have})", plural(need, "why", "whys"))
                                }
                            };
                            miss(field.path.into(), format!("at least {what}"));
                        }
                    }
                    Answer::Category(get) => {
                        if is_placeholder(get(self)) {
                            miss(field.path.into(), "a category".into());
                        }
                    }
                    Answer::Actions(get) => {
                        let actions = get(self);
                        if actions.is_empty() {
                            miss(field.path.into(), "at least 1 corrective action".into());
                        }
                        for (i, ca) in actions.iter().enumerate() {
                            for part in ca.missing_parts() {
                                miss(
                                    format!("{}[{i}].{part}", field.path),
                                    format!("the action's {part}"),
                                );
                            }
                        }
                    }
                    Answer::Count(_) => {}
                }
            }
        }
        out
    }

    /// True when all seven questions are answered.
    pub fn is_complete(&self, config: &Config) -> bool {
        self.missing(config).is_empty()
    }

    /// The questions (by number) that have every required field answered.
    pub fn answered_questions(&self, config: &Config) -> Vec<u8> {
        answered(&self.missing(config))
    }
}

/// The questions (by number) that nothing in `missing` (what [`Coe::missing`] found)
/// belongs to: for a caller that already has the missing list.
pub fn answered(missing: &[Missing]) -> Vec<u8> {
    QUESTIONS
        .iter()
        .filter(|q| !missing.iter().any(|m| m.question.number == q.number))
        .map(|q| q.number)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_field_of_the_seven_questions_is_checked() {
        let config = Config::default();
        let complete =
            serde_yaml::from_str::<Coe>(include_str!("../../fuzz/seeds/load_coe/complete.yaml"))
                .unwrap();
        assert!(
            complete.missing(&config).is_empty(),
            "{:?}",
            complete.missing(&config)
        );
        let empty =
            serde_yaml::from_str::<Coe>(include_str!("../../fuzz/seeds/load_coe/minimal.yaml"))
                .unwrap();
        let missing: Vec<String> = empty
            .missing(&config)
            .into_iter()
            .map(|m| m.field)
            .collect();
        let required: Vec<&str> = QUESTIONS
            .iter()
            .flat_map(|q| q.required_fields())
            .map(|f| f.path)
            .collect();
        assert_eq!(missing, required);
    }
}
