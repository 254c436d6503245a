//! The seven COE questions, defined once.
//!
//! Every part of coe reads this table: the interview asks these questions in this order
//! with this help text, the YAML writer puts `text` as a comment above each section, the
//! completeness rule checks `fields`, and the Markdown renderer uses `text` as headings.

/// One of the seven questions a COE answers.
#[derive(Debug)]
pub struct Question {
    /// 1 to 7, the order in which the questions are asked and rendered.
    pub number: u8,
    /// The top-level key of the COE file that holds the answer.
    pub section: &'static str,
    /// The question, as asked.
    pub text: &'static str,
    /// A short heading for tables and summaries.
    pub short: &'static str,
    /// Guidance shown by the interview and in `coe show` for unanswered questions.
    pub help: &'static str,
    /// The fields that answer the question, and what counts as an answer.
    pub fields: &'static [Field],
}

/// A field (a dotted path in the COE file) that answers part of a question.
#[derive(Debug)]
pub struct Field {
    /// Dotted path, e.g. `root_cause.whys`.
    pub path: &'static str,
    /// What the completeness rule asks of this field.
    pub need: Need,
    /// What the interview asks for this field.
    pub prompt: &'static str,
}

/// What a field needs before its question counts as answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A non-placeholder text.
    Text,
    /// At least this many entries.
    AtLeast(usize),
    /// At least `min_whys` entries (from the configuration).
    MinWhys,
    /// A value from the configured categories.
    Category,
    /// Every corrective action complete (action, kind, owner, due, status), and at least one.
    Actions,
    /// Not needed for completeness; asked and rendered when present.
    Optional,
}

impl Question {
    /// The fields that completeness requires.
    pub fn required_fields(&self) -> impl Iterator<Item = &'static Field> {
        self.fields.iter().filter(|f| f.need != Need::Optional)
    }
}

/// The seven questions, in order.
pub static QUESTIONS: [Question; 7] = [
    Question {
        number: 1,
        section: "what_happened",
        text: "What happened?",
        short: "What happened",
        help: "Tell the story plainly, as a timeline: what customers saw, when it started, \
               when it was detected, what was done and when it was over. Facts, not blame.",
        fields: &[
            Field {
                path: "what_happened.summary",
                need: Need::Text,
                prompt: "Summary of what happened",
            },
            Field {
                path: "what_happened.timeline",
                need: Need::AtLeast(1),
                prompt: "Timeline",
            },
        ],
    },
    Question {
        number: 2,
        section: "impact",
        text: "What was the impact on customers and your business?",
        short: "Impact",
        help: "In customer terms first: how many customers, for how long, and what they could \
               not do. Then the cost to the business. Then what was done to make it right \
               for customers (refunds, credits, outreach), whoever was at fault.",
        fields: &[
            Field {
                path: "impact.customers",
                need: Need::Text,
                prompt: "Impact on customers",
            },
            Field {
                path: "impact.customers_affected",
                need: Need::Optional,
                prompt: "Number of customers affected",
            },
            Field {
                path: "impact.business",
                need: Need::Text,
                prompt: "Impact on the business",
            },
            Field {
                path: "impact.remediation",
                need: Need::Optional,
                prompt: "What was done to make it right for customers",
            },
        ],
    },
    Question {
        number: 3,
        section: "root_cause",
        text: "What was the root cause?",
        short: "Root cause",
        help: "Ask \"why?\" repeatedly (5 Whys): each answer explains the one before, until you \
               reach something the system can change. \"Human error\" is never a root cause: \
               ask why the system allowed it.",
        fields: &[
            Field {
                path: "root_cause.summary",
                need: Need::Text,
                prompt: "Root cause summary",
            },
            Field {
                path: "root_cause.category",
                need: Need::Category,
                prompt: "Root-cause category",
            },
            Field {
                path: "root_cause.whys",
                need: Need::MinWhys,
                prompt: "Why?",
            },
        ],
    },
    Question {
        number: 4,
        section: "data",
        text: "What data do you have to support this?",
        short: "Supporting data",
        help: "Evidence behind every claim: graphs, logs, tickets, queries. Describe each and \
               link to it.",
        fields: &[Field {
            path: "data",
            need: Need::AtLeast(1),
            prompt: "Supporting data",
        }],
    },
    Question {
        number: 5,
        section: "implications",
        text: "What were the critical implications, especially security?",
        short: "Implications",
        help: "Always consider security: was data exposed, were controls bypassed? \"None\" is a \
               fine answer when it says why.",
        fields: &[
            Field {
                path: "implications.security",
                need: Need::Text,
                prompt: "Security implications",
            },
            Field {
                path: "implications.other",
                need: Need::Optional,
                prompt: "Other critical implications",
            },
        ],
    },
    Question {
        number: 6,
        section: "lessons",
        text: "What lessons did you learn?",
        short: "Lessons",
        help: "What did this incident teach the team that applies beyond it?",
        fields: &[Field {
            path: "lessons",
            need: Need::AtLeast(1),
            prompt: "Lesson",
        }],
    },
    Question {
        number: 7,
        section: "corrective_actions",
        text: "What corrective actions are you taking to prevent this from happening again?",
        short: "Corrective actions",
        help: "Each action prevents, detects or mitigates a repeat, and has an owner, a due date \
               and a status, tracked to done.",
        fields: &[Field {
            path: "corrective_actions",
            need: Need::Actions,
            prompt: "Corrective action",
        }],
    },
];

/// The question with this number (1 to 7).
pub fn by_number(number: u8) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.number == number)
}

/// The question a field belongs to, by its dotted path (or a path below it).
pub fn for_field(path: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| {
        path == q.section
            || path
                .strip_prefix(q.section)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_in_order() {
        for (i, q) in QUESTIONS.iter().enumerate() {
            assert_eq!(usize::from(q.number), i + 1);
            assert!(q.fields.iter().all(|f| f.path.starts_with(q.section)));
        }
    }

    #[test]
    fn finds_question_of_field() {
        assert_eq!(for_field("root_cause.whys").map(|q| q.number), Some(3));
        assert_eq!(
            for_field("corrective_actions[2].owner").map(|q| q.number),
            Some(7)
        );
        assert!(for_field("impactful").is_none());
    }
}
