//! The interview's lists: timeline entries, whys, data, contributing factors, and the
//! item-by-item editing (change, remove, insert) every list shares.

use super::*;

impl Walk<'_> {
    pub(super) fn timeline(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        n: u8,
    ) -> Result<()> {
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
    pub(super) fn contributing_factors(&mut self, coe: &mut Coe) -> Result<()> {
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

    pub(super) fn whys(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        n: u8,
    ) -> Result<()> {
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

    pub(super) fn data(
        &mut self,
        coe: &mut Coe,
        intro: &mut dyn FnMut(&mut Walk),
        n: u8,
    ) -> Result<()> {
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
    pub(super) fn ask_link(
        &mut self,
        prompt: &str,
        current: Option<&str>,
    ) -> Result<Option<String>> {
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

    /// A list: asked item by item when empty; kept when answered and not revisiting; in
    /// [`Mode::All`], kept, added to, or changed, removed and inserted one item at a time.
    pub(super) fn list<T: Clone>(
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

    pub(super) fn pick<T>(&mut self, items: &[T], list: &List<T>, prompt: &str) -> Result<usize> {
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
    pub(super) fn append<T: Clone>(
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
}
