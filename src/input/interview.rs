//! The interview behind `coe new` and `coe edit`: metadata, then the seven questions in
//! order, each with its help text, answers pre-filled when editing.
//!
//! The walk only changes the COE in memory and calls `save` after every answer and every
//! list item, so the caller can write the draft and an interrupt loses at most the answer
//! being typed. What is already answered (given as a flag, or in the file) is not asked
//! again unless the walk revisits everything ([`Mode::All`]); every list can then be
//! changed item by item.

mod live;

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

    /// Asks for the metadata: title, start time, severity, leader, services, incident ref
    /// and the later times.
    pub fn metadata(&mut self, coe: &mut Coe) -> Result<()> {
        let mut heading = false;
        let mut head = |p: &mut dyn Prompter| {
            if !std::mem::replace(&mut heading, true) {
                p.say("Incident");
            }
        };
        if self.asks(!coe.title.trim().is_empty(), false) {
            head(&mut *self.p);
            loop {
                coe.title = self
                    .p
                    .input("Title (one line that names the incident)", Some(&coe.title))?
                    .trim()
                    .to_string();
                if !coe.title.is_empty() {
                    break;
                }
                self.p
                    .say("  A title is needed: the COE's id is made from it.");
            }
            self.saved(coe, "the title")?;
        }
        if self.mode == Mode::All || !self.started_known {
            head(&mut *self.p);
            let current = self.started_known.then(|| coe.incident.started.clone());
            coe.incident.started = self.ask_start(current.as_ref())?;
            self.started_known = true;
        }
        if !self.ready {
            self.ready = true;
        }
        self.saved(coe, "the title and start time")?;
        let severity_known = self.config.severities.contains(&coe.severity);
        if self.asks(severity_known, false) {
            head(&mut *self.p);
            let items: Vec<&str> = self.config.severities.iter().map(String::as_str).collect();
            let current = items.iter().position(|s| *s == coe.severity).unwrap_or(0);
            coe.severity = items[self.p.select("Severity", &items, current)?].to_string();
            self.saved(coe, "the severity")?;
        }
        if self.asks(!coe.leader.trim().is_empty(), false) {
            head(&mut *self.p);
            coe.leader = self.required_line(
                "Leader (who leads this COE: an owner, not a culprit)",
                &coe.leader,
                "A leader is needed: the person who owns this COE and its follow-up.",
            )?;
            self.saved(coe, "the leader")?;
        }
        if self.asks(!coe.services.is_empty(), true) {
            head(&mut *self.p);
            let answer = self.p.input(
                "Services affected (comma-separated)",
                Some(&coe.services.join(", ")),
            )?;
            coe.services = split_list(&answer);
            self.saved(coe, "the services")?;
        }
        if let Some(hint) = &self.after_services {
            for line in hint(coe) {
                self.p.say(&line);
            }
        }
        if self.asks(coe.incident_ref.is_some(), true) {
            head(&mut *self.p);
            let answer = self.p.input(
                "Incident ref in the paging/ticket system (optional)",
                coe.incident_ref.as_deref(),
            )?;
            coe.incident_ref = Some(answer.trim().to_string()).filter(|s| !s.is_empty());
            self.saved(coe, "the incident ref")?;
        }
        self.later_times(coe, &mut head)
    }

    /// Detected, mitigated, resolved: each at or after the one before; `back` returns to
    /// the one before, so a wrong earlier answer is fixed without starting again.
    fn later_times(
        &mut self,
        coe: &mut Coe,
        head: &mut dyn FnMut(&mut dyn Prompter),
    ) -> Result<()> {
        const LABELS: [&str; 4] = ["started", "detected", "mitigated", "resolved"];
        let asks: Vec<bool> = (1..4)
            .map(|i| self.asks(time_slot(coe, i).is_some(), true))
            .collect();
        let mut i = 1;
        while i < 4 {
            if !asks[i - 1] {
                i += 1;
                continue;
            }
            head(&mut *self.p);
            // The latest time before this one that is known.
            let (prev_index, previous) = (0..i)
                .rev()
                .find_map(|j| time_slot(coe, j).map(|s| (j, s.clone())))
                .unwrap_or((0, coe.incident.started.clone()));
            let current = time_slot(coe, i).cloned();
            let prompt = format!(
                "{} (optional; HH:MM or YYYY-MM-DD HH:MM, {})",
                capitalise(LABELS[i]),
                self.clock.name()
            );
            match self.ask_time_after(
                &prompt,
                current.as_ref(),
                &previous,
                LABELS[prev_index],
                false,
                true,
            )? {
                TimeAnswer::Back => {
                    if prev_index == 0 {
                        coe.incident.started = self.ask_start(Some(&coe.incident.started))?;
                        self.saved(coe, "the start time")?;
                    } else {
                        i = prev_index;
                    }
                    continue;
                }
                TimeAnswer::Time(t) => {
                    *time_slot_mut(coe, i) = t;
                    self.saved(coe, &format!("the {} time", LABELS[i]))?;
                }
            }
            i += 1;
        }
        Ok(())
    }

    fn ask_start(&mut self, current: Option<&Stamp>) -> Result<Stamp> {
        let prompt = format!(
            "Started (when customers were first affected; YYYY-MM-DD HH:MM, {})",
            self.clock.name()
        );
        loop {
            let shown = current.map(|s| self.clock.show(s));
            let answer = self.p.input(&prompt, shown.as_deref())?;
            let answer = answer.trim();
            if answer.is_empty() || Some(answer) == shown.as_deref() {
                match current {
                    Some(c) => return Ok(c.clone()),
                    None => {
                        self.p
                            .say("  A start time is needed: the COE's id and every HH:MM are read from it.");
                        continue;
                    }
                }
            }
            match self
                .clock
                .parse(answer, current.map(|c| self.clock.day_of(c)))
            {
                Ok(s) => return Ok(s),
                Err(e) => self.p.say(&format!("  {e}")),
            }
        }
    }

    /// A time at or after `previous`. A bare `HH:MM` earlier than `previous` is offered on
    /// the next day and confirmed; a full time before it is refused.
    fn ask_time_after(
        &mut self,
        prompt: &str,
        current: Option<&Stamp>,
        previous: &Stamp,
        previous_label: &str,
        before_ok: bool,
        can_go_back: bool,
    ) -> Result<TimeAnswer> {
        let back_hint = if can_go_back {
            format!(", or type `back` to change {previous_label}")
        } else {
            String::new()
        };
        loop {
            let shown = current.map(|s| self.clock.show(s));
            let answer = self.p.input(prompt, shown.as_deref())?;
            let answer = answer.trim();
            if answer.is_empty() || Some(answer) == shown.as_deref() {
                return Ok(TimeAnswer::Time(current.cloned()));
            }
            if can_go_back && answer.eq_ignore_ascii_case("back") {
                return Ok(TimeAnswer::Back);
            }
            match self.clock.place_after(answer, previous) {
                Ok(Placed::InOrder(s)) => return Ok(TimeAnswer::Time(Some(s))),
                Ok(Placed::NextDay(s)) => {
                    // Past midnight is likely within hours of the previous time; a day
                    // later is more likely a typo.
                    let likely = previous.minutes_until(&s) <= 12 * 60;
                    // Short enough for one line of an 80-column terminal (a wrapped prompt
                    // is drawn twice).
                    let question = format!(
                        "{answer} is before {previous_label} {}: did you mean {}?",
                        self.clock.show(previous).get(11..).unwrap_or_default(),
                        self.clock.show(&s)
                    );
                    if self.p.confirm(&question, likely)? {
                        return Ok(TimeAnswer::Time(Some(s)));
                    }
                    if before_ok {
                        let day = self.clock.day_of(previous);
                        return Ok(TimeAnswer::Time(Some(self.clock.parse(answer, Some(day)).map_err(anyhow::Error::msg)?)));
                    }
                    self.p.say(&format!(
                        "  Type the time again (YYYY-MM-DD HH:MM for another day){back_hint}."
                    ));
                }
                Ok(Placed::Before(s)) if before_ok => return Ok(TimeAnswer::Time(Some(s))),
                Ok(Placed::Before(s)) => self.p.say(&format!(
                    "  {} is before {previous_label} ({}): times go in order. Type it again{back_hint}.",
                    self.clock.show(&s),
                    self.clock.show(previous)
                )),
                Err(e) => self.p.say(&format!("  {e}")),
            }
        }
    }

    /// One non-empty line.
    fn required_line(&mut self, prompt: &str, current: &str, why: &str) -> Result<String> {
        loop {
            let answer = self.p.input(prompt, Some(current))?.trim().to_string();
            if !answer.is_empty() {
                return Ok(answer);
            }
            self.p.say(&format!("  {why}"));
        }
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

    fn timeline(&mut self, coe: &mut Coe, intro: &mut dyn FnMut(&mut Walk), n: u8) -> Result<()> {
        let list = List {
            noun: "timeline entry",
            title: "Timeline",
            question: n,
            min: 1,
            get: |c| &mut c.what_happened.timeline,
            show: |e| format!("{}  {}", e.at, e.event),
        };
        self.list(coe, intro, &list, &mut |w, coe, at, current| {
            let timeline = &coe.what_happened.timeline;
            let (previous, label) = match at.checked_sub(1).and_then(|i| timeline.get(i)) {
                Some(e) => (e.at.clone(), "the previous entry"),
                None => (coe.incident.started.clone(), "started"),
            };
            let prompt = format!(
                "  Time ({})",
                if current.is_some() {
                    "Enter keeps it"
                } else {
                    "HH:MM; empty to finish"
                }
            );
            // The first entry may come before `started`: causes often do.
            let first = at == 0;
            let TimeAnswer::Time(Some(time)) = w.ask_time_after(
                &prompt,
                current.map(|e| &e.at),
                &previous,
                label,
                first,
                false,
            )?
            else {
                return Ok(None);
            };
            let event = loop {
                match w.item_text("  What happened then?", current.map(|e| e.event.as_str()))? {
                    Some(event) if !event.trim().is_empty() => break event,
                    _ => {
                        w.p.say("  An entry needs an event: what happened at that time.")
                    }
                }
            };
            Ok(Some(TimelineEntry { at: time, event }))
        })?;
        coe.what_happened.timeline.sort_by_key(|e| e.at.at());
        Ok(())
    }

    /// The optional contributing factors, asked after question 3: a category (or none to
    /// finish), then what it was.
    fn contributing_factors(&mut self, coe: &mut Coe) -> Result<()> {
        let mut items = vec!["none (go on)"];
        items.extend(self.config.categories.iter().map(String::as_str));
        loop {
            let prompt = "Contributing factor (optional): what else made it possible or worse?";
            let i = self.p.select(prompt, &items, 0)?;
            if i == 0 {
                return Ok(());
            }
            let description = self
                .p
                .input("  What was it, and how did it contribute?", None)?;
            coe.contributing_factors
                .push(crate::model::coe::ContributingFactor {
                    category: items[i].to_string(),
                    description: description.trim().to_string(),
                });
            self.saved(coe, "a contributing factor")?;
        }
    }

    fn whys(&mut self, coe: &mut Coe, intro: &mut dyn FnMut(&mut Walk), n: u8) -> Result<()> {
        let min = self.config.min_whys;
        let list = List {
            noun: "why",
            title: "Whys",
            question: n,
            min,
            get: |c| &mut c.root_cause.whys,
            show: |w| w.clone(),
        };
        if self.mode != Mode::All && coe.root_cause.whys.is_empty() {
            intro(self);
            self.p.say(&format!(
                "  Ask \"why?\" at least {min} times; each answer explains the one before."
            ));
        }
        self.list(coe, intro, &list, &mut |w, coe, at, current| {
            let before = at
                .checked_sub(1)
                .and_then(|i| coe.root_cause.whys.get(i))
                .map_or(
                    coe.root_cause.summary.lines().next().unwrap_or_default(),
                    |s| s.as_str(),
                );
            let prompt = if before.trim().is_empty() {
                "  Why? (empty to finish)".to_string()
            } else {
                format!(
                    "  Why? ({}) (empty to finish)",
                    crate::output::markdown::shorten(before, 50)
                )
            };
            w.item_text(&prompt, current.map(String::as_str))
        })
    }

    fn data(&mut self, coe: &mut Coe, intro: &mut dyn FnMut(&mut Walk), n: u8) -> Result<()> {
        let list = List {
            noun: "data entry",
            title: "Supporting data",
            question: n,
            min: 1,
            get: |c| &mut c.data,
            show: |d| match &d.link {
                Some(link) => format!("{} <{link}>", d.description),
                None => d.description.clone(),
            },
        };
        self.list(coe, intro, &list, &mut |w, _, _, current| {
            let Some(description) = w.item_text(
                "  Evidence: what it shows (empty to finish)",
                current.map(|d| d.description.as_str()),
            )?
            else {
                return Ok(None);
            };
            let link = w.ask_link(
                "  Link (URL or repository path; optional)",
                current.and_then(|d| d.link.as_deref()),
            )?;
            Ok(Some(DataPoint { description, link }))
        })
    }

    /// An optional link, refused until it is an http(s) URL or a repository path.
    fn ask_link(&mut self, prompt: &str, current: Option<&str>) -> Result<Option<String>> {
        loop {
            let answer = self.p.input(prompt, current)?.trim().to_string();
            if answer.is_empty() || answer == "-" {
                return Ok(None);
            }
            match link_problem(&answer) {
                None => return Ok(Some(answer)),
                Some(problem) => self.p.say(&format!("  {problem}.")),
            }
        }
    }

    fn actions(&mut self, coe: &mut Coe, intro: &mut dyn FnMut(&mut Walk), n: u8) -> Result<()> {
        if self.mode == Mode::All && !coe.corrective_actions.is_empty() {
            intro(self);
            self.p.say("  Where does each corrective action stand?");
            for i in 0..coe.corrective_actions.len() {
                let mut action = coe.corrective_actions[i].clone();
                self.update_status(&mut action)?;
                if action != coe.corrective_actions[i] {
                    coe.corrective_actions[i] = action;
                    self.saved(
                        coe,
                        &format!("the status of {}", coe.corrective_actions[i].id),
                    )?;
                }
            }
        }
        let list = List {
            noun: "corrective action",
            title: "Corrective actions",
            question: n,
            min: 1,
            get: |c| &mut c.corrective_actions,
            show: |a| {
                format!(
                    "{} {} ({}, {}, due {}, {})",
                    a.id,
                    a.action,
                    a.kind.map_or("?", |k| k.as_str()),
                    if a.owner.is_empty() {
                        "no owner"
                    } else {
                        &a.owner
                    },
                    a.due.map_or("?".into(), |d| d.to_string()),
                    a.status.as_str()
                )
            },
        };
        self.list(coe, intro, &list, &mut |w, coe, _, current| match current {
            Some(existing) => w.change_action(existing).map(Some),
            None => {
                let Some(action) = w.item_text("  Corrective action (empty to finish)", None)?
                else {
                    return Ok(None);
                };
                let mut ca = CorrectiveAction::new(next_action_id(&coe.corrective_actions), action);
                for field in ActionField::ALL {
                    if field == ActionField::Due {
                        // Offered as the answer: `action_due_days` for the kind just chosen.
                        ca.due = coe.action_due(&ca, w.config);
                    }
                    if field != ActionField::Action && field != ActionField::Done {
                        w.ask_action_field(&mut ca, field)?;
                    }
                }
                Ok(Some(ca))
            }
        })
    }

    /// Changes one field of an existing action (or all of them).
    fn change_action(&mut self, existing: &CorrectiveAction) -> Result<CorrectiveAction> {
        let mut ca = existing.clone();
        let mut names: Vec<&str> = ActionField::ALL.iter().map(|f| f.label()).collect();
        names.push("every field");
        let choice = self
            .p
            .select(&format!("  Which field of {}?", ca.id), &names, 0)?;
        match ActionField::ALL.get(choice) {
            Some(&field) => self.ask_action_field(&mut ca, field)?,
            None => {
                for field in ActionField::ALL {
                    self.ask_action_field(&mut ca, field)?;
                }
            }
        }
        Ok(ca)
    }

    fn ask_action_field(&mut self, ca: &mut CorrectiveAction, field: ActionField) -> Result<()> {
        match field {
            ActionField::Action => {
                if let Some(a) = self.item_text("  Corrective action", Some(&ca.action))? {
                    ca.action = a;
                }
            }
            ActionField::Kind => {
                let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
                let current = ca
                    .kind
                    .and_then(|k| ActionKind::ALL.iter().position(|x| *x == k))
                    .unwrap_or(0);
                ca.kind = Some(ActionKind::ALL[self.p.select("  Kind", &kinds, current)?]);
            }
            ActionField::Owner => {
                ca.owner = self
                    .p
                    .input(
                        "  Owner (a team or person; empty to decide later)",
                        Some(&ca.owner),
                    )?
                    .trim()
                    .to_string();
            }
            ActionField::Due => {
                ca.due =
                    self.ask_date("  Due (YYYY-MM-DD; empty to decide later)", ca.due, false)?;
            }
            ActionField::Status => self.update_status(ca)?,
            ActionField::Done => {
                if ca.status == ActionStatus::Done {
                    ca.done =
                        self.ask_date("  Done on (YYYY-MM-DD)", ca.done.or(Some(today())), true)?;
                } else {
                    self.p.say("  Only a done action has a done date.");
                }
            }
            ActionField::Link => {
                ca.link = self.ask_link("  Ticket link (optional)", ca.link.as_deref())?;
            }
        }
        Ok(())
    }

    /// Asks where an action stands; a newly done action asks its done date (default
    /// today, so a backfilled COE records the real day); a reopened one loses it.
    fn update_status(&mut self, action: &mut CorrectiveAction) -> Result<()> {
        let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
        let current = ActionStatus::ALL
            .iter()
            .position(|s| *s == action.status)
            .unwrap_or(0);
        let label = format!(
            "  Status of {} {}",
            action.id,
            crate::output::markdown::shorten(&action.action, 60)
        );
        let status = ActionStatus::ALL[self.p.select(&label, &statuses, current)?];
        if status == ActionStatus::Done && action.done.is_none() {
            action.done = self.ask_date("  Done on (YYYY-MM-DD)", Some(today()), true)?;
        } else if status != ActionStatus::Done {
            action.done = None;
        }
        action.status = status;
        Ok(())
    }

    /// A list: asked item by item when empty; kept when answered and not revisiting; in
    /// [`Mode::All`], kept, added to, or changed, removed and inserted one item at a time.
    fn list<T: Clone>(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        list: &List<T>,
        ask_one: &mut AskOne<'_, T>,
    ) -> Result<()> {
        let len = (list.get)(coe).len();
        if len > 0 && self.mode != Mode::All {
            if len < list.min && list.noun == "why" {
                intro(self);
                return self.append(coe, list, ask_one);
            }
            return Ok(());
        }
        intro(self);
        if len == 0 {
            self.p.say(&format!("  {}, one at a time:", list.title));
            return self.append(coe, list, ask_one);
        }
        const KEEP: &str = "Keep them and go on";
        const ADD: &str = "Add at the end";
        const CHANGE: &str = "Change one";
        const REMOVE: &str = "Remove one";
        const INSERT: &str = "Insert one before another";
        loop {
            let items = (list.get)(coe).clone();
            self.p.say(&format!("  {}:", list.title));
            for (i, item) in items.iter().enumerate() {
                self.p.say(&format!("  {}. {}", i + 1, (list.show)(item)));
            }
            let choices: &[&str] = if items.is_empty() {
                &[KEEP, ADD]
            } else {
                &[KEEP, ADD, CHANGE, REMOVE, INSERT]
            };
            match choices[self.p.select(
                &format!("  {} {}", items.len(), plural_noun(items.len(), list.noun)),
                choices,
                0,
            )?] {
                ADD => self.append(coe, list, ask_one)?,
                CHANGE => {
                    let i = self.pick(&items, list, "Change which?")?;
                    if let Some(changed) = ask_one(self, coe, i, Some(&items[i]))? {
                        (list.get)(coe)[i] = changed;
                        self.saved(
                            coe,
                            &format!("{} {} of question {}", list.noun, i + 1, list.question),
                        )?;
                    }
                }
                REMOVE => {
                    let i = self.pick(&items, list, "Remove which?")?;
                    (list.get)(coe).remove(i);
                    self.p.say(&format!("  Removed {} {}.", list.noun, i + 1));
                    self.saved(
                        coe,
                        &format!(
                            "the removal of {} {} of question {}",
                            list.noun,
                            i + 1,
                            list.question
                        ),
                    )?;
                }
                INSERT => {
                    let i = self.pick(&items, list, "Insert before which?")?;
                    if let Some(item) = ask_one(self, coe, i, None)? {
                        (list.get)(coe).insert(i, item);
                        self.saved(
                            coe,
                            &format!("{} {} of question {}", list.noun, i + 1, list.question),
                        )?;
                    }
                }
                _ => break,
            }
        }
        if (list.get)(coe).len() < list.min && list.noun == "why" {
            return self.append(coe, list, ask_one);
        }
        Ok(())
    }

    fn pick<T>(&mut self, items: &[T], list: &List<T>, prompt: &str) -> Result<usize> {
        let shown: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                format!(
                    "{}. {}",
                    i + 1,
                    crate::output::markdown::shorten(&(list.show)(item), 70)
                )
            })
            .collect();
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.p.select(&format!("  {prompt}"), &shown, 0)
    }

    /// New items at the end until an empty answer; too few whys ask for another.
    fn append<T: Clone>(
        &mut self,
        coe: &mut Coe,
        list: &List<T>,
        ask_one: &mut AskOne<'_, T>,
    ) -> Result<()> {
        loop {
            let at = (list.get)(coe).len();
            match ask_one(self, coe, at, None)? {
                Some(item) => {
                    (list.get)(coe).push(item);
                    self.saved(
                        coe,
                        &format!("{} {} of question {}", list.noun, at + 1, list.question),
                    )?;
                }
                None => {
                    let have = (list.get)(coe).len();
                    if list.noun == "why" && have < list.min {
                        let question = format!(
                            "  {have} {} so far; a root cause is reached after at least {}. Add another why?",
                            plural_noun(have, "why"),
                            list.min
                        );
                        if self.p.confirm(&question, true)? {
                            continue;
                        }
                    }
                    return Ok(());
                }
            }
        }
    }

    fn ask_count(&mut self, prompt: &str, current: Option<u64>) -> Result<Option<u64>> {
        let shown = current.map(|n| n.to_string());
        loop {
            let answer = self.p.input(prompt, shown.as_deref())?;
            let cleaned: String = answer
                .chars()
                .filter(|c| !matches!(c, ',' | '_' | ' '))
                .collect();
            if cleaned.is_empty() {
                return Ok(None);
            }
            match cleaned.parse() {
                Ok(n) => return Ok(Some(n)),
                Err(_) => self
                    .p
                    .say("  Enter a whole number, such as 12000, or leave it empty."),
            }
        }
    }

    fn ask_date(
        &mut self,
        prompt: &str,
        current: Option<Date>,
        required: bool,
    ) -> Result<Option<Date>> {
        let shown = current.map(|d| d.to_string());
        loop {
            let answer = self.p.input(prompt, shown.as_deref())?;
            let answer = answer.trim();
            if answer.is_empty() {
                if required && current.is_none() {
                    self.p.say("  A date is needed.");
                    continue;
                }
                return Ok(current);
            }
            match crate::model::dates::parse_date(answer) {
                Ok(d) => return Ok(Some(d)),
                Err(e) => self.p.say(&format!("  {e}.")),
            }
        }
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

/// A field of a corrective action, each changeable on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionField {
    Action,
    Kind,
    Owner,
    Due,
    Status,
    Done,
    Link,
}

impl ActionField {
    const ALL: [ActionField; 7] = [
        Self::Action,
        Self::Kind,
        Self::Owner,
        Self::Due,
        Self::Status,
        Self::Done,
        Self::Link,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Action => "action",
            Self::Kind => "kind",
            Self::Owner => "owner",
            Self::Due => "due",
            Self::Status => "status",
            Self::Done => "done date",
            Self::Link => "link",
        }
    }
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

/// The next free `CA-n`: one after the highest number in use.
fn next_action_id(actions: &[CorrectiveAction]) -> String {
    let highest = actions
        .iter()
        .filter_map(|a| {
            a.id.strip_prefix("CA-")
                .and_then(|n| n.parse::<usize>().ok())
        })
        .max()
        .unwrap_or(0);
    format!("CA-{}", highest + 1)
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

/// Word-wraps text to lines of at most `width` characters (a longer word stays whole).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
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
