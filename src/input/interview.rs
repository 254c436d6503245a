//! The interview behind `coe new` and `coe edit`: metadata, then the seven questions in
//! order, each with its help text, answers pre-filled when editing.
//!
//! The walk only changes the COE in memory and calls `save` after every answer and every
//! list item, so the caller can write the draft and an interrupt loses at most the answer
//! being typed. What is already answered (given as a flag, or in the file) is not asked
//! again unless the walk revisits everything ([`Mode::All`]); every list can then be
//! changed item by item.

mod actions;
mod lists;
mod live;
mod metadata;

use anyhow::Result;
use jiff::civil::Date;

pub(crate) use live::blame_in;

use crate::input::prompt::Prompter;
use crate::model::blame;
use crate::model::coe::{
    Coe, CorrectiveAction, DataPoint, Impact, Implications, RootCause, TimelineEntry, WhatHappened,
};
use crate::model::dates::Stamp;
use crate::model::ids::link_problem;
use crate::model::is_placeholder;
use crate::model::kinds::ActionKind;
use crate::model::kinds::ActionStatus;
use crate::model::policy::Config;
use crate::model::questions::{Question, Section, QUESTIONS};
use crate::model::times::{Clock, Placed};
use crate::output::text::wrap;

/// Which answers the walk asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `coe new`: every field that has no answer yet (flags give answers up front).
    New,
    /// `coe edit` of a draft: the required fields that have no answer yet.
    Resume,
    /// `coe edit --all`, `--question N`: everything, answers pre-filled, lists item by item.
    All,
}

/// Called after every answer with the COE and a description of what was just saved
/// ("data entry 1 of question 4").
pub type Save<'a> = dyn FnMut(&Coe, &str) -> Result<()> + 'a;

/// One walk through the questions.
pub struct Walk<'a> {
    p: &'a mut dyn Prompter,
    config: &'a Config,
    clock: Clock,
    blame: blame::Terms,
    mode: Mode,
    save: &'a mut Save<'a>,
    /// False until the title and start time are known (a new COE's id is made from them).
    ready: bool,
    /// Whether the start time is an answer (false for `coe new` without `--started`).
    started_known: bool,
    /// Lines shown once the services are known (`coe new`: the related COEs to read first).
    after_services: Option<Box<AfterServices<'a>>>,
}

/// Lines to show about a COE once its services are known.
pub type AfterServices<'a> = dyn Fn(&Coe) -> Vec<String> + 'a;

impl<'a> Walk<'a> {
    /// A walk in `mode`; `started_known` says whether the COE's start time is an answer
    /// already (false for a new COE without `--started`).
    pub fn new(
        p: &'a mut dyn Prompter,
        config: &'a Config,
        mode: Mode,
        started_known: bool,
        save: &'a mut Save<'a>,
    ) -> Walk<'a> {
        Walk {
            p,
            clock: config.clock(),
            blame: blame::Terms::new(&config.blame_terms),
            config,
            mode,
            save,
            ready: started_known,
            started_known,
            after_services: None,
        }
    }

    /// Shows the lines `hint` gives once the services are known.
    pub fn after_services(mut self, hint: Box<AfterServices<'a>>) -> Walk<'a> {
        self.after_services = Some(hint);
        self
    }

    /// The prompter, for the caller's own questions after the walk.
    pub fn prompter(&mut self) -> &mut dyn Prompter {
        self.p
    }

    /// Saves the COE (once its title and start time are known), saying what was saved.
    pub fn save(&mut self, coe: &Coe, what: &str) -> Result<()> {
        self.saved(coe, what)
    }

    fn saved(&mut self, coe: &Coe, what: &str) -> Result<()> {
        if self.ready {
            (self.save)(coe, what)?;
        }
        Ok(())
    }

    /// Whether to ask a field that is `present` already; `optional` fields are not asked
    /// when resuming a draft.
    fn asks(&self, present: bool, optional: bool) -> bool {
        match self.mode {
            Mode::All => true,
            Mode::New => !present,
            Mode::Resume => !present && !optional,
        }
    }

    /// Runs the metadata (when `metadata`) and then the `questions`, saving as it goes.
    pub fn run(&mut self, coe: &mut Coe, metadata: bool, questions: &[u8]) -> Result<()> {
        if metadata {
            self.metadata(coe)?;
        }
        for q in QUESTIONS.iter().filter(|q| questions.contains(&q.number)) {
            self.question(coe, q)?;
        }
        Ok(())
    }

    /// Asks one of the seven questions.
    pub fn question(&mut self, coe: &mut Coe, q: &Question) -> Result<()> {
        let prompt = |path: &str| {
            q.fields
                .iter()
                .find(|f| f.path == path)
                .map_or(path.to_string(), |f| f.prompt.to_string())
        };
        let mut shown = false;
        let mut intro = |w: &mut Walk| {
            if !std::mem::replace(&mut shown, true) {
                w.p.say("");
                w.p.say(&format!("{}. {}", q.number, q.text));
                for line in wrap(q.help, 76) {
                    w.p.say(&format!("   {line}"));
                }
            }
        };
        let n = q.number;
        match q.section {
            Section::WhatHappened => {
                // Every field of the section is asked for: a new one fails to compile here.
                let WhatHappened {
                    summary: _,
                    timeline: _,
                } = &coe.what_happened;
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("what_happened.summary"),
                    false,
                    |c| &mut c.what_happened.summary,
                )?;
                self.timeline(coe, &mut intro, n)?;
            }
            Section::Impact => {
                let Impact {
                    customers: _,
                    customers_affected: _,
                    business: _,
                    remediation: _,
                } = &coe.impact;
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("impact.customers"),
                    false,
                    |c| &mut c.impact.customers,
                )?;
                if self.asks(coe.impact.customers_affected.is_some(), false) {
                    intro(self);
                    coe.impact.customers_affected = self.ask_count(
                        &format!("{} (optional)", prompt("impact.customers_affected")),
                        coe.impact.customers_affected,
                    )?;
                    self.saved(coe, &format!("the number of customers of question {n}"))?;
                }
                self.text_field(coe, &mut intro, n, &prompt("impact.business"), false, |c| {
                    &mut c.impact.business
                })?;
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("impact.remediation"),
                    true,
                    |c| &mut c.impact.remediation,
                )?;
            }
            Section::RootCause => {
                let RootCause {
                    summary: _,
                    category: _,
                    whys: _,
                } = &coe.root_cause;
                // Contributing factors are asked of a new COE whose question 3 is being
                // answered now (not one given whole as flags).
                let answering = self.mode == Mode::New
                    && (is_placeholder(&coe.root_cause.summary)
                        || coe.root_cause.whys.is_empty()
                        || !self.config.categories.contains(&coe.root_cause.category));
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("root_cause.summary"),
                    false,
                    |c| &mut c.root_cause.summary,
                )?;
                let known = self.config.categories.contains(&coe.root_cause.category);
                if self.asks(known, false) {
                    intro(self);
                    let items: Vec<&str> =
                        self.config.categories.iter().map(String::as_str).collect();
                    let current = items
                        .iter()
                        .position(|c| *c == coe.root_cause.category)
                        .unwrap_or(0);
                    coe.root_cause.category =
                        items[self
                            .p
                            .select(&prompt("root_cause.category"), &items, current)?]
                        .to_string();
                    self.saved(coe, &format!("the category of question {n}"))?;
                }
                self.whys(coe, &mut intro, n)?;
                if answering && coe.contributing_factors.is_empty() {
                    self.contributing_factors(coe)?;
                }
            }
            Section::Data => self.data(coe, &mut intro, n)?,
            Section::Implications => {
                let Implications {
                    security: _,
                    other: _,
                } = &coe.implications;
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("implications.security"),
                    false,
                    |c| &mut c.implications.security,
                )?;
                self.text_field(
                    coe,
                    &mut intro,
                    n,
                    &prompt("implications.other"),
                    true,
                    |c| &mut c.implications.other,
                )?;
            }
            Section::Lessons => {
                let list = List {
                    noun: "lesson",
                    title: "Lessons",
                    question: n,
                    min: 1,
                    get: |c| &mut c.lessons,
                    show: |l| l.clone(),
                };
                self.list(coe, &mut intro, &list, &mut |w, _, _, current| {
                    w.item_text("  Lesson (empty to finish)", current.map(String::as_str))
                })?;
            }
            Section::CorrectiveActions => self.actions(coe, &mut intro, n)?,
        }
        Ok(())
    }

    /// A free-text answer, asked unless already answered.
    fn text_field(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        question: u8,
        prompt: &str,
        optional: bool,
        get: fn(&mut Coe) -> &mut String,
    ) -> Result<()> {
        let current = get(coe).clone();
        // An optional answer of a question is asked when resuming too: a draft's
        // unanswered questions are walked whole.
        if !self.asks(!is_placeholder(&current), false) {
            return Ok(());
        }
        intro(self);
        let label = if optional {
            format!("{prompt} (optional)")
        } else {
            prompt.to_string()
        };
        let answer = self.ask_text(&label, &current)?;
        *get(coe) = answer;
        self.saved(coe, &format!("“{prompt}” of question {question}"))
    }

    /// A multi-line answer: lines until an empty one; Enter on the first line keeps the
    /// current answer; `:e` opens the editor.
    fn ask_text(&mut self, prompt: &str, current: &str) -> Result<String> {
        if is_placeholder(current) {
            self.p.say(&format!(
                "  {prompt} (one or more lines; an empty line finishes; :e opens your editor)"
            ));
        } else {
            self.p.say(&format!("  {prompt}. Current answer:"));
            for line in current.lines() {
                self.p.say(&format!("  │ {line}"));
            }
            self.p.say(
                "  Press Enter to keep it, type a new answer (an empty line finishes), or :e to edit it in your editor.",
            );
        }
        let mut lines: Vec<String> = Vec::new();
        loop {
            let line = self.p.input("  >", None)?;
            if lines.is_empty() && matches!(line.trim(), ":e" | ":edit") {
                match self.p.edit_text(current)? {
                    Some(text) => {
                        lines = vec![text.trim_end().to_string()];
                        for l in text.trim_end().lines() {
                            self.p.say(&format!("  │ {l}"));
                        }
                    }
                    None => self.p.say("  Unchanged."),
                }
                break;
            }
            if line.trim().is_empty() {
                break;
            }
            lines.push(line.trim_end().to_string());
        }
        let answer = match lines.len() {
            0 => return Ok(current.to_string()),
            1 if !lines[0].contains('\n') => lines.remove(0),
            _ => lines.join("\n") + "\n",
        };
        self.blameless(answer)
    }

    /// Flags blame language in an answer and offers a blameless rephrasing.
    fn blameless(&mut self, answer: String) -> Result<String> {
        let Some(found) = blame_in(&self.blame, &answer) else {
            return Ok(answer);
        };
        self.p.say(&format!(
            "  “{}” reads as blame: {}.",
            found.phrase, found.advice
        ));
        match found.rephrased {
            Some(rephrased) => {
                self.p
                    .say(&format!("  Suggested: {}", rephrased.trim_end()));
                if self.p.confirm("  Use the suggestion?", true)? {
                    Ok(rephrased)
                } else {
                    Ok(answer)
                }
            }
            None => Ok(answer),
        }
    }

    /// One line of a list item: empty finishes (or, changing an item, keeps it).
    fn item_text(&mut self, prompt: &str, current: Option<&str>) -> Result<Option<String>> {
        let answer = self.p.input(prompt, current)?.trim().to_string();
        if answer.is_empty() {
            return Ok(current.map(String::from));
        }
        Ok(Some(self.blameless(answer)?))
    }
}

/// Asks one list item: given the COE, the index it will take and, when changing an item,
/// the item; `None` finishes the list (or keeps the item).
type AskOne<'f, T> = dyn FnMut(&mut Walk, &Coe, usize, Option<&T>) -> Result<Option<T>> + 'f;

/// A list answer of a question.
struct List<T> {
    /// One item, for messages ("timeline entry").
    noun: &'static str,
    /// The list, as a heading.
    title: &'static str,
    question: u8,
    /// Fewer items than this asks for another (whys).
    min: usize,
    get: fn(&mut Coe) -> &mut Vec<T>,
    show: fn(&T) -> String,
}

/// What the person typed at a time prompt.
enum TimeAnswer {
    /// A time, or none (optional time left empty).
    Time(Option<Stamp>),
    /// `back`: change the time before instead.
    Back,
}

fn time_slot(coe: &Coe, i: usize) -> Option<&Stamp> {
    let inc = &coe.incident;
    match i {
        0 => Some(&inc.started),
        1 => inc.detected.as_ref(),
        2 => inc.mitigated.as_ref(),
        _ => inc.resolved.as_ref(),
    }
}

fn time_slot_mut(coe: &mut Coe, i: usize) -> &mut Option<Stamp> {
    let inc = &mut coe.incident;
    match i {
        1 => &mut inc.detected,
        2 => &mut inc.mitigated,
        _ => &mut inc.resolved,
    }
}

fn plural_noun(n: usize, noun: &str) -> String {
    match (n, noun) {
        (1, _) => noun.to_string(),
        (_, "timeline entry") => "timeline entries".into(),
        (_, "data entry") => "data entries".into(),
        (_, "why") => "whys".into(),
        _ => format!("{noun}s"),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn today() -> Date {
    crate::model::dates::today()
}

/// Splits a comma-separated answer into trimmed, non-empty items.
pub fn split_list(answer: &str) -> Vec<String> {
    answer
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
