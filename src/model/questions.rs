//! The seven COE questions, defined once.
//!
//! Every part of coe reads this table: the interview asks these questions in this order
//! with this help text, the YAML writer puts `text` as a comment above each section, the
//! completeness rule checks `fields`, and the Markdown renderer uses `text` as headings.
//! Sections are a [`Section`] enum matched exhaustively by each of them, and each field holds
//! an accessor ([`Answer`]), so the compiler keeps the checklist when a question or field is
//! added.

use crate::model::coe::{Coe, CorrectiveAction, Impact, Implications, RootCause, WhatHappened};
use crate::model::policy::Config;

/// The section of a COE file that answers one of the seven questions, in the order they
/// are asked. Every consumer matches on it exhaustively, so a new question is a compile
/// error wherever it is not handled yet; [`QUESTIONS`] has one entry per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumCount, strum::EnumIter)]
pub enum Section {
    /// 1. What happened?
    WhatHappened,
    /// 2. What was the impact on customers and your business?
    Impact,
    /// 3. What was the root cause?
    RootCause,
    /// 4. What data do you have to support this?
    Data,
    /// 5. What were the critical implications, especially security?
    Implications,
    /// 6. What lessons did you learn?
    Lessons,
    /// 7. What corrective actions are you taking to prevent this from happening again?
    CorrectiveActions,
}

/// How many questions a COE answers (seven), derived from [`Section`].
pub const COUNT: usize = <Section as strum::EnumCount>::COUNT;

impl Section {
    /// Every section, in question order.
    pub fn all() -> impl Iterator<Item = Section> {
        <Section as strum::IntoEnumIterator>::iter()
    }

    /// The top-level key of the COE file that holds the answer.
    pub const fn key(self) -> &'static str {
        match self {
            Section::WhatHappened => "what_happened",
            Section::Impact => "impact",
            Section::RootCause => "root_cause",
            Section::Data => "data",
            Section::Implications => "implications",
            Section::Lessons => "lessons",
            Section::CorrectiveActions => "corrective_actions",
        }
    }

    /// The question this section answers.
    pub fn question(self) -> &'static Question {
        &QUESTIONS[self as usize]
    }
}

/// One of the seven questions a COE answers.
#[derive(Debug)]
pub struct Question {
    /// 1 to 7, the order in which the questions are asked and rendered.
    pub number: u8,
    /// The section of the COE file that holds the answer.
    pub section: Section,
    /// The question, as asked.
    pub text: &'static str,
    /// A short heading for tables and summaries.
    pub short: &'static str,
    /// Guidance shown by the interview and in `coe show` for unanswered questions.
    pub help: &'static str,
    /// The fields that answer the question, and how each is read.
    pub fields: &'static [Field],
}

/// A field of the COE file that answers part of a question.
#[derive(Debug)]
pub struct Field {
    /// Dotted path, e.g. `root_cause.whys`, as messages and findings name it.
    pub path: &'static str,
    /// How the answer is read from a COE, and what completeness asks of it.
    pub answer: Answer,
    /// What the interview asks for this field.
    pub prompt: &'static str,
}

/// How a field's answer is read from a COE (an accessor), and what it needs before its
/// question counts as answered. Completeness and the free-text lints match on it
/// exhaustively.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// Free text; a non-placeholder answer is needed when `required`.
    Text {
        /// The text.
        get: fn(&Coe) -> &str,
        /// Needed for completeness.
        required: bool,
    },
    /// A list whose items are free text (`item` is the path of the text inside an item,
    /// `""` when the item is the text); at least `min` non-placeholder items are needed.
    Items {
        /// Each item's text.
        get: fn(&Coe) -> Vec<&str>,
        /// The path of the text inside one item, such as `.event`.
        item: &'static str,
        /// How many answered items completeness needs.
        min: Min,
    },
    /// A value from the configured categories.
    Category(fn(&Coe) -> &str),
    /// An optional number.
    Count(fn(&Coe) -> Option<u64>),
    /// Corrective actions: at least one, each complete (action, kind, owner, due, status);
    /// their `action` texts are free text.
    Actions(fn(&Coe) -> &[CorrectiveAction]),
}

/// How many answered items a list needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Min {
    /// At least this many.
    Entries(usize),
    /// At least `min_whys` (from the configuration).
    ConfiguredWhys,
}

impl Min {
    /// The number for this configuration.
    pub fn count(self, config: &Config) -> usize {
        match self {
            Min::Entries(n) => n,
            Min::ConfiguredWhys => config.min_whys,
        }
    }
}

impl Answer {
    /// True when completeness needs this field.
    pub fn is_required(&self) -> bool {
        match self {
            Answer::Text { required, .. } => *required,
            Answer::Items { .. } | Answer::Category(_) | Answer::Actions(_) => true,
            Answer::Count(_) => false,
        }
    }
}

impl Question {
    /// The fields that completeness requires.
    pub fn required_fields(&self) -> impl Iterator<Item = &'static Field> {
        self.fields.iter().filter(|f| f.answer.is_required())
    }
}

/// The free-text answers of a COE with their field paths (`root_cause.whys[2]`), in
/// question order: what the blame lint reads. Derived from [`QUESTIONS`], so a new text
/// field is linted once it is in the table.
pub fn free_text(coe: &Coe) -> Vec<(String, &str)> {
    let mut texts = Vec::new();
    for question in &QUESTIONS {
        for field in question.fields {
            match field.answer {
                Answer::Text { get, .. } => texts.push((field.path.to_string(), get(coe))),
                Answer::Items { get, item, .. } => texts.extend(
                    get(coe)
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| (format!("{}[{i}]{item}", field.path), text)),
                ),
                Answer::Actions(get) => texts.extend(
                    get(coe)
                        .iter()
                        .enumerate()
                        .map(|(i, ca)| (format!("{}[{i}].action", field.path), ca.action.as_str())),
                ),
                Answer::Category(_) | Answer::Count(_) => {}
            }
        }
    }
    texts
}

/// Fails to compile when a section's struct gains a field: add the field to [`QUESTIONS`]
/// (and to the YAML writer, the interview and the renderer, which fail to compile too),
/// then name it here.
#[allow(dead_code)]
fn every_section_field_is_in_the_table(coe: &Coe) {
    let Coe {
        what_happened: WhatHappened {
            summary: _,
            timeline: _,
        },
        impact:
            Impact {
                customers: _,
                customers_affected: _,
                business: _,
                remediation: _,
            },
        root_cause:
            RootCause {
                summary: _,
                category: _,
                whys: _,
            },
        data: _,
        implications: Implications {
            security: _,
            other: _,
        },
        lessons: _,
        corrective_actions: _,
        ..
    } = coe;
}

/// The seven questions, in order.
pub static QUESTIONS: [Question; COUNT] = [
    Question {
        number: 1,
        section: Section::WhatHappened,
        text: "What happened?",
        short: "What happened",
        help: "Tell the story plainly, as a timeline: what customers saw, when it started, \
               when it was detected, what was done and when it was over. Facts, not blame.",
        fields: &[
            Field {
                path: "what_happened.summary",
                answer: Answer::Text {
                    get: |c| &c.what_happened.summary,
                    required: true,
                },
                prompt: "Summary of what happened",
            },
            Field {
                path: "what_happened.timeline",
                answer: Answer::Items {
                    get: |c| {
                        c.what_happened
                            .timeline
                            .iter()
                            .map(|e| e.event.as_str())
                            .collect()
                    },
                    item: ".event",
                    min: Min::Entries(1),
                },
                prompt: "Timeline",
            },
        ],
    },
    Question {
        number: 2,
        section: Section::Impact,
        text: "What was the impact on customers and your business?",
        short: "Impact",
        help: "In customer terms first: how many customers, for how long, and what they could \
               not do. Then the cost to the business. Then what was done to make it right \
               for customers (refunds, credits, outreach), whoever was at fault.",
        fields: &[
            Field {
                path: "impact.customers",
                answer: Answer::Text {
                    get: |c| &c.impact.customers,
                    required: true,
                },
                prompt: "Impact on customers",
            },
            Field {
                path: "impact.customers_affected",
                answer: Answer::Count(|c| c.impact.customers_affected),
                prompt: "Number of customers affected",
            },
            Field {
                path: "impact.business",
                answer: Answer::Text {
                    get: |c| &c.impact.business,
                    required: true,
                },
                prompt: "Impact on the business",
            },
            Field {
                path: "impact.remediation",
                answer: Answer::Text {
                    get: |c| &c.impact.remediation,
                    required: false,
                },
                prompt: "What was done to make it right for customers",
            },
        ],
    },
    Question {
        number: 3,
        section: Section::RootCause,
        text: "What was the root cause?",
        short: "Root cause",
        help: "Ask \"why?\" repeatedly (5 Whys): each answer explains the one before, until you \
               reach something the system can change. \"Human error\" is never a root cause: \
               ask why the system allowed it.",
        fields: &[
            Field {
                path: "root_cause.summary",
                answer: Answer::Text {
                    get: |c| &c.root_cause.summary,
                    required: true,
                },
                prompt: "Root cause summary",
            },
            Field {
                path: "root_cause.category",
                answer: Answer::Category(|c| &c.root_cause.category),
                prompt: "Root-cause category",
            },
            Field {
                path: "root_cause.whys",
                answer: Answer::Items {
                    get: |c| c.root_cause.whys.iter().map(String::as_str).collect(),
                    item: "",
                    min: Min::ConfiguredWhys,
                },
                prompt: "Why?",
            },
        ],
    },
    Question {
        number: 4,
        section: Section::Data,
        text: "What data do you have to support this?",
        short: "Supporting data",
        help: "Evidence behind every claim: graphs, logs, tickets, queries. Describe each and \
               link to it.",
        fields: &[Field {
            path: "data",
            answer: Answer::Items {
                get: |c| c.data.iter().map(|d| d.description.as_str()).collect(),
                item: ".description",
                min: Min::Entries(1),
            },
            prompt: "Supporting data",
        }],
    },
    Question {
        number: 5,
        section: Section::Implications,
        text: "What were the critical implications, especially security?",
        short: "Implications",
        help: "Always consider security: was data exposed, were controls bypassed? \"None\" is a \
               fine answer when it says why.",
        fields: &[
            Field {
                path: "implications.security",
                answer: Answer::Text {
                    get: |c| &c.implications.security,
                    required: true,
                },
                prompt: "Security implications",
            },
            Field {
                path: "implications.other",
                answer: Answer::Text {
                    get: |c| &c.implications.other,
                    required: false,
                },
                prompt: "Other critical implications",
            },
        ],
    },
    Question {
        number: 6,
        section: Section::Lessons,
        text: "What lessons did you learn?",
        short: "Lessons",
        help: "What did this incident teach the team that applies beyond it?",
        fields: &[Field {
            path: "lessons",
            answer: Answer::Items {
                get: |c| c.lessons.iter().map(String::as_str).collect(),
                item: "",
                min: Min::Entries(1),
            },
            prompt: "Lesson",
        }],
    },
    Question {
        number: 7,
        section: Section::CorrectiveActions,
        text: "What corrective actions are you taking to prevent this from happening again?",
        short: "Corrective actions",
        help: "Each action prevents, detects or mitigates a repeat, and has an owner, a due date \
               and a status, tracked to done.",
        fields: &[Field {
            path: "corrective_actions",
            answer: Answer::Actions(|c| &c.corrective_actions),
            prompt: "Corrective action",
        }],
    },
];

/// The question with this number (1 to 7).
pub fn by_number(number: u8) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.number == number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_in_order() {
        for (i, q) in QUESTIONS.iter().enumerate() {
            assert_eq!(usize::from(q.number), i + 1);
            assert_eq!(q.section, Section::all().nth(i).unwrap());
            assert_eq!(q.section.question().number, q.number);
            assert!(q.fields.iter().all(|f| f.path.starts_with(q.section.key())));
        }
    }

    /// Every key of every section, as serde writes it, is a field of the table (and no
    /// field names a key that does not exist).
    #[test]
    fn the_table_has_every_field_of_every_section() {
        let coe: Coe = serde_yaml::from_str(
            "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\n\
             incident:\n  started: 2026-11-22T09:58:00Z\n\
             impact:\n  customers_affected: 3\n",
        )
        .unwrap();
        let json = serde_json::to_value(&coe).unwrap();
        let mut keys = Vec::new();
        for section in Section::all() {
            match &json[section.key()] {
                serde_json::Value::Object(fields) => keys.extend(
                    fields
                        .keys()
                        .map(|field| format!("{}.{field}", section.key())),
                ),
                _ => keys.push(section.key().to_string()),
            }
        }
        let table: Vec<String> = QUESTIONS
            .iter()
            .flat_map(|q| q.fields.iter().map(|f| f.path.to_string()))
            .collect();
        keys.sort();
        let mut sorted = table.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(COUNT, 7);
    }
}
