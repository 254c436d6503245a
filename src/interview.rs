//! The interview behind `coe new` and `coe edit`: metadata, then the seven questions in
//! order, each with its help text, answers pre-filled when editing.
//!
//! The walk only changes the COE in memory and calls `save` after the metadata and after
//! every question, so the caller can write the draft and an interrupt loses nothing.

use std::collections::BTreeSet;

use anyhow::Result;
use jiff::civil::Date;

use crate::coe::{
    is_placeholder, ActionKind, ActionStatus, Coe, CorrectiveAction, DataPoint, Stamp,
    TimelineEntry,
};
use crate::config::Config;
use crate::prompt::Prompter;
use crate::questions::{Question, QUESTIONS};

/// Fields given on the command line, which the interview does not ask again.
pub type Given = BTreeSet<&'static str>;

/// Asks for the metadata: title, severity, leader, services, incident ref and times.
pub fn metadata(p: &mut dyn Prompter, coe: &mut Coe, config: &Config, given: &Given) -> Result<()> {
    p.say("Incident");
    if !given.contains("title") {
        loop {
            coe.title = p
                .input("Title (one line that names the incident)", Some(&coe.title))?
                .trim()
                .to_string();
            if !coe.title.is_empty() {
                break;
            }
            p.say("  A title is needed: the COE's id is made from it.");
        }
    }
    if !given.contains("severity") {
        let items: Vec<&str> = config.severities.iter().map(String::as_str).collect();
        let current = items.iter().position(|s| *s == coe.severity).unwrap_or(0);
        coe.severity = items[p.select("Severity", &items, current)?].to_string();
    }
    if !given.contains("leader") {
        coe.leader = p
            .input(
                "Leader (who leads this COE: an owner, not a culprit)",
                Some(&coe.leader),
            )?
            .trim()
            .to_string();
    }
    if !given.contains("services") {
        let answer = p.input(
            "Services affected (comma-separated)",
            Some(&coe.services.join(", ")),
        )?;
        coe.services = split_list(&answer);
    }
    if !given.contains("incident_ref") {
        let answer = p.input(
            "Incident ref in the paging/ticket system (optional)",
            coe.incident_ref.as_deref(),
        )?;
        coe.incident_ref = Some(answer.trim().to_string()).filter(|s| !s.is_empty());
    }
    if !given.contains("started") {
        let started = ask_time(
            p,
            "Started (when customers were first affected)",
            Some(&coe.incident.started),
            None,
            true,
        )?;
        if let Some(s) = started {
            coe.incident.started = s;
        }
    }
    for (key, label) in [
        ("detected", "Detected"),
        ("mitigated", "Mitigated"),
        ("resolved", "Resolved"),
    ] {
        let inc = &coe.incident;
        // Each time is at or after the ones before it.
        let after = [&inc.mitigated, &inc.detected]
            .into_iter()
            .skip(match key {
                "detected" => 2,
                "mitigated" => 1,
                _ => 0,
            })
            .find_map(|s| s.clone())
            .unwrap_or_else(|| inc.started.clone());
        if given.contains(key) {
            continue;
        }
        let slot = match key {
            "detected" => &mut coe.incident.detected,
            "mitigated" => &mut coe.incident.mitigated,
            _ => &mut coe.incident.resolved,
        };
        let current = slot.clone();
        *slot = ask_later_time(p, &format!("{label} (optional)"), current.as_ref(), &after)?;
    }
    Ok(())
}

/// An optional time at or after `after`; `HH:MM` is the first such time after `after`
/// (the next day when the clock has gone past midnight).
fn ask_later_time(
    p: &mut dyn Prompter,
    prompt: &str,
    current: Option<&Stamp>,
    after: &Stamp,
) -> Result<Option<Stamp>> {
    loop {
        let answer = p.input(
            &format!("{prompt} [RFC 3339, or HH:MM UTC]"),
            current.map(Stamp::as_str),
        )?;
        let answer = answer.trim();
        if answer.is_empty() {
            return Ok(current.cloned());
        }
        match parse_time_after(answer, after) {
            Ok((stamp, rolled)) => {
                if rolled {
                    p.say(&format!("  Taken as the next day: {stamp}."));
                }
                return Ok(Some(stamp));
            }
            Err(e) => p.say(&format!("  {e}")),
        }
    }
}

/// Parses a time that must not be before `after`: RFC 3339, or `HH:MM` (UTC) on `after`'s
/// day, or the day after when that would be earlier. Returns the time and whether it rolled
/// over to the next day.
pub fn parse_time_after(text: &str, after: &Stamp) -> Result<(Stamp, bool), String> {
    let mut stamp = parse_time(text, Some(after.date()))?;
    let mut rolled = false;
    let is_clock_time = text.parse::<jiff::civil::Time>().is_ok();
    if is_clock_time && stamp.at() < after.at() {
        let next_day = after.date().tomorrow().map_err(|e| e.to_string())?;
        stamp = parse_time(text, Some(next_day))?;
        rolled = true;
    }
    if stamp.at() < after.at() {
        return Err(format!(
            "{stamp} is before {after}: times go started, detected, mitigated, resolved"
        ));
    }
    Ok((stamp, rolled))
}

/// Asks one of the seven questions.
pub fn question(p: &mut dyn Prompter, coe: &mut Coe, config: &Config, q: &Question) -> Result<()> {
    p.say("");
    p.say(&format!("{}. {}", q.number, q.text));
    for line in wrap(q.help, 76) {
        p.say(&format!("   {line}"));
    }
    let prompt = |path: &str| {
        q.fields
            .iter()
            .find(|f| f.path == path)
            .map_or(path.to_string(), |f| f.prompt.to_string())
    };
    let day = coe.incident.started.date();
    match q.section {
        "what_happened" => {
            coe.what_happened.summary = ask_text(
                p,
                &prompt("what_happened.summary"),
                &coe.what_happened.summary,
            )?;
            let current = std::mem::take(&mut coe.what_happened.timeline);
            coe.what_happened.timeline = ask_items(
                p,
                &prompt("what_happened.timeline"),
                current,
                |e| format!("{}  {}", e.at, e.event),
                |p| {
                    let Some(at) = ask_time(p, "  Time (empty to finish)", None, Some(day), false)?
                    else {
                        return Ok(None);
                    };
                    let event = p.input("  What happened then?", None)?.trim().to_string();
                    Ok(Some(TimelineEntry { at, event }))
                },
            )?;
            coe.what_happened.timeline.sort_by_key(|e| e.at.at());
        }
        "impact" => {
            let i = &mut coe.impact;
            i.customers = ask_text(p, &prompt("impact.customers"), &i.customers)?;
            i.customers_affected = ask_count(
                p,
                &format!("{} (optional)", prompt("impact.customers_affected")),
                i.customers_affected,
            )?;
            i.business = ask_text(p, &prompt("impact.business"), &i.business)?;
            i.remediation = ask_text(p, &prompt("impact.remediation"), &i.remediation)?;
        }
        "root_cause" => {
            let r = &mut coe.root_cause;
            r.summary = ask_text(p, &prompt("root_cause.summary"), &r.summary)?;
            let items: Vec<&str> = config.categories.iter().map(String::as_str).collect();
            let current = items.iter().position(|c| *c == r.category).unwrap_or(0);
            r.category =
                items[p.select(&prompt("root_cause.category"), &items, current)?].to_string();
            p.say(&format!(
                "  Ask \"why?\" at least {} times; each answer explains the one before.",
                config.min_whys
            ));
            let current = std::mem::take(&mut r.whys);
            let mut previous = r.summary.lines().next().unwrap_or_default().to_string();
            r.whys = ask_items(p, "Why?", current, Clone::clone, |p| {
                let asked = if previous.is_empty() {
                    "  Why? (empty to finish)".to_string()
                } else {
                    format!(
                        "  Why? ({}) (empty to finish)",
                        crate::markdown::shorten(&previous, 50)
                    )
                };
                let why = p.input(&asked, None)?.trim().to_string();
                previous.clone_from(&why);
                Ok(Some(why).filter(|w| !w.is_empty()))
            })?;
        }
        "data" => {
            let current = std::mem::take(&mut coe.data);
            coe.data = ask_items(
                p,
                &prompt("data"),
                current,
                |d| match &d.link {
                    Some(link) => format!("{} <{link}>", d.description),
                    None => d.description.clone(),
                },
                |p| {
                    let description = p
                        .input("  Evidence: what it shows (empty to finish)", None)?
                        .trim()
                        .to_string();
                    if description.is_empty() {
                        return Ok(None);
                    }
                    let link = p.input("  Link (optional)", None)?.trim().to_string();
                    Ok(Some(DataPoint {
                        description,
                        link: Some(link).filter(|l| !l.is_empty()),
                    }))
                },
            )?;
        }
        "implications" => {
            let i = &mut coe.implications;
            i.security = ask_text(p, &prompt("implications.security"), &i.security)?;
            i.other = ask_text(
                p,
                &format!("{} (optional)", prompt("implications.other")),
                &i.other,
            )?;
        }
        "lessons" => {
            let current = std::mem::take(&mut coe.lessons);
            coe.lessons = ask_items(p, &prompt("lessons"), current, Clone::clone, |p| {
                let lesson = p
                    .input("  Lesson (empty to finish)", None)?
                    .trim()
                    .to_string();
                Ok(Some(lesson).filter(|l| !l.is_empty()))
            })?;
        }
        "corrective_actions" => {
            let mut current = std::mem::take(&mut coe.corrective_actions);
            if !current.is_empty() {
                p.say("  Where does each corrective action stand?");
            }
            for action in &mut current {
                update_status(p, action)?;
            }
            // New actions are numbered after the highest existing `CA-n`.
            let mut next_number = current
                .iter()
                .filter_map(|a| {
                    a.id.strip_prefix("CA-")
                        .and_then(|n| n.parse::<usize>().ok())
                })
                .max()
                .unwrap_or(0)
                + 1;
            let mut actions = ask_items(
                p,
                &prompt("corrective_actions"),
                current,
                |a| {
                    format!(
                        "{} {} ({}, {}, due {}, {})",
                        a.id,
                        a.action,
                        a.kind.map_or("?", |k| k.as_str()),
                        a.owner,
                        a.due.map_or("?".into(), |d| d.to_string()),
                        a.status.as_str()
                    )
                },
                |p| {
                    let action = p
                        .input("  Corrective action (empty to finish)", None)?
                        .trim()
                        .to_string();
                    if action.is_empty() {
                        return Ok(None);
                    }
                    let kinds: Vec<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
                    let kind = ActionKind::ALL[p.select("  Kind", &kinds, 0)?];
                    let owner = p
                        .input("  Owner (a team or person)", None)?
                        .trim()
                        .to_string();
                    let due = ask_date(p, "  Due (YYYY-MM-DD)")?;
                    let statuses: Vec<&str> =
                        ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
                    let status = ActionStatus::ALL[p.select("  Status", &statuses, 0)?];
                    let link = p
                        .input("  Ticket link (optional)", None)?
                        .trim()
                        .to_string();
                    let id = format!("CA-{next_number}");
                    next_number += 1;
                    let done = (status == ActionStatus::Done).then(today);
                    Ok(Some(CorrectiveAction {
                        id,
                        action,
                        kind: Some(kind),
                        owner,
                        due,
                        status,
                        done,
                        link: Some(link).filter(|l| !l.is_empty()),
                    }))
                },
            )?;
            renumber(&mut actions);
            coe.corrective_actions = actions;
        }
        other => unreachable!("no interview for section {other}"),
    }
    Ok(())
}

/// Runs the whole walk (or the questions from `first`), saving after each step.
pub fn walk(
    p: &mut dyn Prompter,
    coe: &mut Coe,
    config: &Config,
    given: &Given,
    ask_metadata: bool,
    questions: &[u8],
    save: &mut dyn FnMut(&Coe) -> Result<()>,
) -> Result<()> {
    if ask_metadata {
        metadata(p, coe, config, given)?;
        save(coe)?;
    }
    for q in QUESTIONS.iter().filter(|q| questions.contains(&q.number)) {
        question(p, coe, config, q)?;
        save(coe)?;
    }
    Ok(())
}

/// Asks where an existing corrective action stands; `done` gets today's date when it
/// becomes done, and loses it when it is reopened.
fn update_status(p: &mut dyn Prompter, action: &mut CorrectiveAction) -> Result<()> {
    let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.as_str()).collect();
    let current = ActionStatus::ALL
        .iter()
        .position(|s| *s == action.status)
        .unwrap_or(0);
    let label = format!(
        "  {} {}",
        action.id,
        crate::markdown::shorten(&action.action, 60)
    );
    let status = ActionStatus::ALL[p.select(&label, &statuses, current)?];
    if status == ActionStatus::Done && action.done.is_none() {
        action.done = Some(today());
    } else if status != ActionStatus::Done {
        action.done = None;
    }
    action.status = status;
    Ok(())
}

/// Gives actions without an id the next free `CA-n`.
fn renumber(actions: &mut [CorrectiveAction]) {
    let mut used: BTreeSet<String> = actions
        .iter()
        .map(|a| a.id.clone())
        .filter(|i| !i.is_empty())
        .collect();
    let mut n = 1;
    for a in actions.iter_mut().filter(|a| a.id.is_empty()) {
        while used.contains(&format!("CA-{n}")) {
            n += 1;
        }
        a.id = format!("CA-{n}");
        used.insert(a.id.clone());
    }
}

/// A multi-line answer: lines until an empty one; Enter on the first line keeps the current
/// answer.
fn ask_text(p: &mut dyn Prompter, prompt: &str, current: &str) -> Result<String> {
    if is_placeholder(current) {
        p.say(&format!(
            "  {prompt} (one or more lines; an empty line finishes)"
        ));
    } else {
        p.say(&format!("  {prompt}. Current answer:"));
        for line in current.lines() {
            p.say(&format!("  │ {line}"));
        }
        p.say("  Press Enter to keep it, or type a new answer (an empty line finishes).");
    }
    let mut lines: Vec<String> = Vec::new();
    loop {
        let line = p.input("  >", None)?;
        if line.trim().is_empty() {
            break;
        }
        lines.push(line.trim_end().to_string());
    }
    Ok(match lines.len() {
        0 => current.to_string(),
        1 => lines.remove(0),
        _ => lines.join("\n") + "\n",
    })
}

/// A list answered item by item; existing items can be kept (and added to) or replaced.
fn ask_items<T>(
    p: &mut dyn Prompter,
    what: &str,
    current: Vec<T>,
    show: impl Fn(&T) -> String,
    mut ask_one: impl FnMut(&mut dyn Prompter) -> Result<Option<T>>,
) -> Result<Vec<T>> {
    let mut items = current;
    if !items.is_empty() {
        p.say(&format!("  {what}, so far:"));
        for (i, item) in items.iter().enumerate() {
            p.say(&format!("  {}. {}", i + 1, show(item)));
        }
        if !p.confirm(
            "  Keep these and add more? (no starts the list again)",
            true,
        )? {
            items.clear();
        }
    } else {
        p.say(&format!("  {what}, one at a time:"));
    }
    while let Some(item) = ask_one(p)? {
        items.push(item);
    }
    Ok(items)
}

fn ask_count(p: &mut dyn Prompter, prompt: &str, current: Option<u64>) -> Result<Option<u64>> {
    let shown = current.map(|n| n.to_string());
    loop {
        let answer = p.input(prompt, shown.as_deref())?;
        let cleaned: String = answer
            .chars()
            .filter(|c| !matches!(c, ',' | '_' | ' '))
            .collect();
        if cleaned.is_empty() {
            return Ok(None);
        }
        match cleaned.parse() {
            Ok(n) => return Ok(Some(n)),
            Err(_) => p.say("  Enter a whole number, such as 12000, or leave it empty."),
        }
    }
}

fn ask_date(p: &mut dyn Prompter, prompt: &str) -> Result<Option<Date>> {
    loop {
        let answer = p.input(prompt, None)?;
        let answer = answer.trim();
        if answer.is_empty() {
            return Ok(None);
        }
        match crate::coe::parse_date(answer) {
            Ok(d) => return Ok(Some(d)),
            Err(_) => p.say(&format!(
                "  `{answer}` is not a date: use YYYY-MM-DD, such as 2026-12-15."
            )),
        }
    }
}

/// A time, as RFC 3339 or, on the incident's day, `HH:MM` (UTC). Empty keeps `current`
/// (or gives None when not `required`).
fn ask_time(
    p: &mut dyn Prompter,
    prompt: &str,
    current: Option<&Stamp>,
    day: Option<Date>,
    required: bool,
) -> Result<Option<Stamp>> {
    let hint = if day.is_some() {
        " [RFC 3339, or HH:MM UTC]"
    } else {
        " [RFC 3339, UTC or with an offset]"
    };
    loop {
        let answer = p.input(&format!("{prompt}{hint}"), current.map(Stamp::as_str))?;
        let answer = answer.trim();
        if answer.is_empty() {
            if required && current.is_none() {
                p.say("  A start time is needed.");
                continue;
            }
            return Ok(current.cloned());
        }
        match parse_time(answer, day) {
            Ok(s) => return Ok(Some(s)),
            Err(e) => p.say(&format!("  {e}")),
        }
    }
}

/// Parses RFC 3339, `YYYY-MM-DD HH:MM` (UTC) or, given a day, `HH:MM` (UTC).
pub fn parse_time(text: &str, day: Option<Date>) -> Result<Stamp, String> {
    if let Ok(s) = text.parse::<Stamp>() {
        return Ok(s);
    }
    let civil = if let Ok(dt) = text
        .trim_end_matches(['Z', 'z'])
        .parse::<jiff::civil::DateTime>()
    {
        Some(dt)
    } else if let (Some(day), Ok(t)) = (day, text.parse::<jiff::civil::Time>()) {
        Some(day.to_datetime(t))
    } else {
        None
    };
    match civil.and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok()) {
        Some(z) => Ok(Stamp::from(z.timestamp())),
        None => Err(format!(
            "`{text}` is not a time: use RFC 3339 (2026-11-22T09:58:00Z){}",
            if day.is_some() { " or HH:MM" } else { "" }
        )),
    }
}

fn today() -> Date {
    crate::coe::today()
}

/// Word-wraps text to lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
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
mod tests {
    use super::*;
    use crate::prompt::ScriptedPrompter;

    fn draft() -> Coe {
        crate::format::parse(
            "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\nincident:\n  started: \"2026-11-22T09:58:00Z\"\n",
        )
        .unwrap()
    }

    #[test]
    fn reasks_until_answers_are_valid() {
        let mut coe = draft();
        let mut p = ScriptedPrompter::new([
            // Q1: summary, then timeline with a bad time first.
            "Something broke.",
            "",
            "25:99",
            "10:04",
            "Alarm fired",
            "",
        ]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[0]).unwrap();
        assert_eq!(p.remaining(), 0);
        assert_eq!(
            coe.what_happened.timeline[0].at.as_str(),
            "2026-11-22T10:04:00Z"
        );
        assert!(
            p.transcript
                .iter()
                .any(|l| l.contains("`25:99` is not a time")),
            "{:?}",
            p.transcript
        );

        let mut p = ScriptedPrompter::new(["Lots.", "", "twelve", "12,000", "Money.", "", ""]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[1]).unwrap();
        assert_eq!(coe.impact.customers_affected, Some(12000));
        assert_eq!(coe.impact.remediation, "");
    }

    #[test]
    fn corrective_actions_get_ids_and_done_dates() {
        let mut coe = draft();
        let mut p = ScriptedPrompter::new([
            "Stage config",
            "prevent",
            "team-platform",
            "15/12/2026",
            "2026-12-15T00:00:00Z",
            "2026-12-15",
            "open",
            "",
            "Add an alarm",
            "detect",
            "team-sre",
            "2026-11-30",
            "done",
            "https://jira.example.com/SRE-1",
            "",
        ]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[6]).unwrap();
        let ids: Vec<&str> = coe
            .corrective_actions
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["CA-1", "CA-2"]);
        assert_eq!(coe.corrective_actions[1].status, ActionStatus::Done);
        assert!(coe.corrective_actions[1].done.is_some());
        assert!(coe.corrective_actions[0].missing_parts().is_empty());
    }

    #[test]
    fn editing_keeps_answers_on_enter_and_can_replace_lists() {
        let mut coe = draft();
        coe.root_cause.summary = "Config skips staging.".into();
        coe.root_cause.category = "configuration".into();
        coe.root_cause.whys = vec!["a".into(), "b".into()];
        // Enter keeps the summary, Enter keeps the category, "n" replaces the whys.
        let mut p = ScriptedPrompter::new(["", "", "n", "one", "two", "three", ""]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[2]).unwrap();
        assert_eq!(coe.root_cause.summary, "Config skips staging.");
        assert_eq!(coe.root_cause.category, "configuration");
        assert_eq!(coe.root_cause.whys, ["one", "two", "three"]);
        // Keeping and adding.
        let mut p = ScriptedPrompter::new(["", "", "y", "four", ""]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[2]).unwrap();
        assert_eq!(coe.root_cause.whys.len(), 4);
    }

    #[test]
    fn walk_saves_after_every_step_and_stops_on_interrupt() {
        let mut coe = draft();
        let mut saves = Vec::new();
        // Metadata (9 prompts), then question 1, then the script runs out mid-question 2.
        let mut p = ScriptedPrompter::new([
            "",
            "SEV1",
            "Jane",
            "checkout",
            "",
            "",
            "10:04",
            "10:41",
            "",
            "Summary.",
            "",
            "",
            "Customers could not pay.",
        ]);
        let result = walk(
            &mut p,
            &mut coe,
            &Config::default(),
            &Given::new(),
            true,
            &[1, 2, 3],
            &mut |c: &Coe| {
                saves.push(c.clone());
                Ok(())
            },
        );
        assert!(result
            .unwrap_err()
            .downcast_ref::<crate::error::Interrupted>()
            .is_some());
        assert_eq!(
            saves.len(),
            2,
            "saved after the metadata and after question 1"
        );
        assert_eq!(saves[1].what_happened.summary, "Summary.");
        assert_eq!(saves[0].severity, "SEV1");
        assert_eq!(
            saves[0].incident.mitigated.as_ref().map(Stamp::as_str),
            Some("2026-11-22T10:41:00Z")
        );
    }

    #[test]
    fn editing_actions_updates_their_status_and_numbers_new_ones_after_the_highest() {
        let mut coe = draft();
        let mut p = ScriptedPrompter::new([
            "A",
            "prevent",
            "t",
            "2026-12-01",
            "open",
            "",
            "B",
            "detect",
            "t",
            "2026-12-02",
            "open",
            "",
            "",
        ]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[6]).unwrap();
        coe.corrective_actions.remove(0); // leaves CA-2 alone
                                          // CA-2 becomes done; keep it; add one more.
        let mut p = ScriptedPrompter::new([
            "done",
            "y",
            "C",
            "process",
            "t",
            "2026-12-03",
            "open",
            "",
            "",
        ]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[6]).unwrap();
        let ids: Vec<&str> = coe
            .corrective_actions
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids, ["CA-2", "CA-3"]);
        assert_eq!(coe.corrective_actions[0].status, ActionStatus::Done);
        assert_eq!(coe.corrective_actions[0].done, Some(today()));
        // Reopened: the done date goes.
        let mut p = ScriptedPrompter::new(["open", "open", "y", ""]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[6]).unwrap();
        assert_eq!(coe.corrective_actions[0].done, None);
    }

    #[test]
    fn later_times_roll_past_midnight_and_never_go_back() {
        let started: Stamp = "2026-11-22T23:50:00Z".parse().unwrap();
        let (t, rolled) = parse_time_after("00:30", &started).unwrap();
        assert_eq!((t.as_str(), rolled), ("2026-11-23T00:30:00Z", true));
        let (t, rolled) = parse_time_after("23:55", &started).unwrap();
        assert_eq!((t.as_str(), rolled), ("2026-11-22T23:55:00Z", false));
        assert!(parse_time_after("2026-11-22T09:00:00Z", &started).is_err());

        let mut coe = draft();
        coe.incident.started = started;
        let mut p = ScriptedPrompter::new([
            "",
            "",
            "",
            "",
            "",
            "",
            "23:55",
            "2026-11-21T00:00:00Z",
            "00:30",
            "",
        ]);
        metadata(&mut p, &mut coe, &Config::default(), &Given::new()).unwrap();
        assert_eq!(
            coe.incident.mitigated.as_ref().map(Stamp::as_str),
            Some("2026-11-23T00:30:00Z")
        );
        assert!(
            p.transcript.iter().any(|l| l.contains("is before")),
            "{:?}",
            p.transcript
        );
    }

    #[test]
    fn help_is_wrapped_for_an_80_column_terminal() {
        for q in &QUESTIONS {
            let lines = wrap(q.help, 76);
            assert!(lines.iter().all(|l| l.chars().count() <= 76), "{lines:?}");
            assert_eq!(
                lines.join(" "),
                q.help.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    #[test]
    fn multi_line_answers_become_blocks() {
        let mut coe = draft();
        let mut p = ScriptedPrompter::new(["line one", "line two", "", ""]);
        question(&mut p, &mut coe, &Config::default(), &QUESTIONS[0]).unwrap();
        assert_eq!(coe.what_happened.summary, "line one\nline two\n");
        assert!(crate::format::to_yaml(&coe).contains("  summary: |\n    line one\n    line two\n"));
    }
}
