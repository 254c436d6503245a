//! The interview's metadata: title, severity, leader, services, the incident's times
//! (each placed in the configured zone and checked against the one before), and dates.

use super::*;

impl Walk<'_> {
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
    pub(super) fn later_times(
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

    pub(super) fn ask_start(&mut self, current: Option<&Stamp>) -> Result<Stamp> {
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
                Ok(s) => {
                    self.taken_as(&s);
                    return Ok(s);
                }
                Err(e) => self.p.say(&format!("  {e}")),
            }
        }
    }

    /// Says which day and time a typed time was taken as, in the configured zone: a bare
    /// `HH:MM` names no day, and the person should see the one coe chose.
    pub(super) fn taken_as(&mut self, time: &Stamp) {
        let said = format!(
            "  Taken as {} {}.",
            self.clock.show(time),
            self.clock.name()
        );
        self.p.say(&said);
    }

    /// A time at or after `previous`. A bare `HH:MM` earlier than `previous` is offered on
    /// the next day and confirmed; a full time before it is refused.
    pub(super) fn ask_time_after(
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
                Ok(Placed::InOrder(s)) => {
                    self.taken_as(&s);
                    return Ok(TimeAnswer::Time(Some(s)));
                }
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
                        self.taken_as(&s);
                        return Ok(TimeAnswer::Time(Some(s)));
                    }
                    if before_ok {
                        let day = self.clock.day_of(previous);
                        let same_day = self
                            .clock
                            .parse(answer, Some(day))
                            .map_err(anyhow::Error::msg)?;
                        self.taken_as(&same_day);
                        return Ok(TimeAnswer::Time(Some(same_day)));
                    }
                    self.p.say(&format!(
                        "  Type the time again (YYYY-MM-DD HH:MM for another day){back_hint}."
                    ));
                }
                Ok(Placed::Before(s)) if before_ok => {
                    self.taken_as(&s);
                    return Ok(TimeAnswer::Time(Some(s)));
                }
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
    pub(super) fn required_line(
        &mut self,
        prompt: &str,
        current: &str,
        why: &str,
    ) -> Result<String> {
        loop {
            let answer = self.p.input(prompt, Some(current))?.trim().to_string();
            if !answer.is_empty() {
                return Ok(answer);
            }
            self.p.say(&format!("  {why}"));
        }
    }

    pub(super) fn ask_count(&mut self, prompt: &str, current: Option<u64>) -> Result<Option<u64>> {
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

    pub(super) fn ask_date(
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
