//! `coe new`: the interview after an incident, ending in one committed YAML file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::error::{Interrupted, UserError};
use crate::exit_codes::ExitStatus;
use crate::input::interview;
use crate::input::prompt::{self, Prompter};
use crate::model::coe::{self, Coe, CorrectiveAction, DataPoint, TimelineEntry};
use crate::model::dates::Stamp;
use crate::model::kinds::ActionKind;
use crate::model::kinds::ActionStatus;
use crate::model::kinds::Status;
use crate::model::times::Placed;
use crate::output::ui;
use crate::store;
use crate::store::Repo;
use crate::vendors::timeline;

/// Write a new COE: metadata, then the seven questions
///
/// Walks you through the incident's metadata and the seven COE questions, each with its
/// help text. The draft is saved after every question, so an interrupt loses nothing
/// (`coe edit ID` resumes it); at the end the file is committed to git, alone.
///
/// Any field can be given up front with a flag and is then not asked. With `--no-input`,
/// nothing is asked: a draft is written from the flags (for automation, such as a pager
/// webhook).
///
/// Examples:
///   coe new
///   coe new --title "Checkout latency spike" --severity SEV2 --service checkout
///   coe new --no-input --title "DB failover" --severity SEV1 --started 2026-11-22T09:58:00Z
#[derive(Debug, Default, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct NewArgs {
    /// Write a draft from the flags without asking anything
    #[arg(long)]
    pub no_input: bool,

    /// Write the COE as YAML in $VISUAL/$EDITOR instead of answering questions (default
    /// with `editor: true` in .coe.yaml or COE_EDITOR_MODE=1)
    #[arg(long, conflicts_with_all = ["no_input", "no_editor"])]
    pub editor: bool,

    /// Answer questions even when `editor: true` or COE_EDITOR_MODE=1 says otherwise
    #[arg(long)]
    pub no_editor: bool,

    /// Import the timeline from FILE: CSV/TSV `time,event`, a Slack channel export's day
    /// file, or PagerDuty log entries JSON; clipped to the incident and shown first
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,

    /// One line that names the incident (the id is made from it)
    #[arg(long, value_name = "TEXT", help_heading = "Metadata")]
    pub title: Option<String>,
    /// One of the configured severities, e.g. SEV2
    #[arg(long, value_name = "SEV", help_heading = "Metadata")]
    pub severity: Option<String>,
    /// Who leads this COE
    #[arg(long, value_name = "NAME", help_heading = "Metadata")]
    pub leader: Option<String>,
    /// A service involved (repeatable, or comma-separated)
    #[arg(long = "service", value_name = "NAME", help_heading = "Metadata")]
    pub services: Vec<String>,
    /// A tag (repeatable, or comma-separated)
    #[arg(long = "tag", value_name = "TAG", help_heading = "Metadata")]
    pub tags: Vec<String>,
    /// The incident's id in the paging or ticket system
    #[arg(long, value_name = "REF", help_heading = "Metadata")]
    pub incident_ref: Option<String>,
    /// When customers were first affected (RFC 3339; default: now)
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub started: Option<String>,
    /// When the team knew (RFC 3339, or HH:MM on the start day, UTC)
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub detected: Option<String>,
    /// When customers stopped being affected
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub mitigated: Option<String>,
    /// When the incident was fully over
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub resolved: Option<String>,

    /// 1. What happened, in a few sentences
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub summary: Option<String>,
    /// 1. A timeline event, "TIME EVENT" (repeatable), e.g. "09:58 Config pushed"
    #[arg(long = "event", value_name = "TIME EVENT", help_heading = "Answers")]
    pub events: Vec<String>,
    /// 2. What customers could not do, how many, for how long
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub customers: Option<String>,
    /// 2. How many customers were affected
    #[arg(long, value_name = "N", help_heading = "Answers")]
    pub customers_affected: Option<u64>,
    /// 2. The cost to the business
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub business: Option<String>,
    /// 2. What was done to make it right for customers
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub remediation: Option<String>,
    /// 3. The root cause, in a few sentences
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub root_cause: Option<String>,
    /// 3. One of the configured root-cause categories
    #[arg(long, value_name = "NAME", help_heading = "Answers")]
    pub category: Option<String>,
    /// 3. One answer to "why?" (repeatable, in order)
    #[arg(long = "why", value_name = "TEXT", help_heading = "Answers")]
    pub whys: Vec<String>,
    /// 4. Evidence, "DESCRIPTION" or "DESCRIPTION <URL>" (repeatable)
    #[arg(long = "data", value_name = "TEXT", help_heading = "Answers")]
    pub data: Vec<String>,
    /// 5. Security implications ("None: ..." is an answer)
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub security: Option<String>,
    /// 5. Other critical implications
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub other_implications: Option<String>,
    /// 6. A lesson learned (repeatable)
    #[arg(long = "lesson", value_name = "TEXT", help_heading = "Answers")]
    pub lessons: Vec<String>,
    /// 7. A corrective action, "ACTION; kind=prevent; owner=team; due=2026-12-15[; status=open][; link=URL]" (repeatable)
    #[arg(long = "action", value_name = "SPEC", help_heading = "Answers")]
    pub actions: Vec<String>,
}

/// Runs `coe new`.
pub fn run(ctx: &Context, args: NewArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let in_editor =
        !args.no_input && crate::input::in_editor::wanted(args.editor, args.no_editor, &repo);
    if !args.no_input && !in_editor && !prompt::is_interactive() {
        return Err(prompt::not_a_terminal("new"));
    }
    ctx.check_identity(&repo)?;
    let (mut coe, started_known) = from_flags(&args, &repo)?;
    if let Some(file) = &args.timeline {
        // Read it now, so a file coe cannot read stops everything before anything is
        // written; it is clipped again once the start time is known.
        let imported = import_timeline(&repo, &coe, file)?;
        // At a terminal the interview shows them and asks, once the start time is known.
        if args.no_input || in_editor {
            if !started_known {
                return Err(UserError::new(
                    "--timeline needs --started here: the timeline is clipped to the incident",
                )
                .into());
            }
            show_import(&imported, file);
            timeline::merge(&mut coe.what_happened.timeline, &imported.entries);
        }
    }
    if in_editor {
        return crate::input::in_editor::new(ctx, &repo, coe, started_known);
    }

    if args.no_input {
        if coe.title.is_empty() {
            return Err(UserError::new(
                "`coe new --no-input` needs a title: the COE's id is made from it",
            )
            .hint("pass --title \"...\"")
            .into());
        }
        let path = store::create_file(&repo, &mut coe)?;
        ui::status(
            "Created",
            format!("{} (draft)", repo.relative(&path).display()),
        );
        ctx.commit(&repo, &[path], &format!("coe: new COE {} (draft)", coe.id))?;
        ui::out(&format!("{}\n", coe.id))?;
        return Ok(ExitCode::SUCCESS);
    }

    let mut p = prompt::TerminalPrompter::default();
    prompt::set_draft_note(
        "Interrupted before the title and start time were answered; nothing was written.",
    );
    prompt::install_interrupt_handler();
    let timeline = args.timeline;
    let result = interview(
        ctx,
        &repo,
        &mut p,
        &mut coe,
        started_known,
        timeline.as_deref(),
    );
    finish(result)
}

/// Reads a `--timeline` file, clipped to the COE's incident.
pub(super) fn import_timeline(repo: &Repo, coe: &Coe, file: &Path) -> Result<timeline::Imported> {
    let inc = &coe.incident;
    timeline::import(
        file,
        &repo.config.clock(),
        &inc.started,
        inc.resolved.as_ref().or(inc.mitigated.as_ref()),
        repo.config.timeline_margin,
    )
}

/// Shows what a `--timeline` file gave.
pub(super) fn show_import(imported: &timeline::Imported, file: &Path) {
    ui::note(format!(
        "{} from {} ({}){}:",
        crate::model::plural(imported.entries.len(), "timeline entry", "timeline entries"),
        file.display(),
        imported.source.name(),
        if imported.outside > 0 {
            format!(
                "; {} outside the incident window left out",
                imported.outside
            )
        } else {
            String::new()
        }
    ));
    for e in &imported.entries {
        ui::note(format!("  {}  {}", e.at, e.event));
    }
}

/// The interactive part: the metadata (the file is created as soon as the title and start
/// time are known), the seven questions, commit. Fields given as flags are not asked.
pub fn interview(
    ctx: &Context,
    repo: &Repo,
    p: &mut dyn Prompter,
    coe: &mut Coe,
    started_known: bool,
    timeline: Option<&Path>,
) -> Result<PathBuf> {
    p.say(&format!(
        "New COE in {}. Every answer is saved as you go; Ctrl-C keeps them.",
        repo.relative(&repo.coe_dir).display()
    ));
    let mut file: Option<(PathBuf, String)> = None;
    {
        let mut save = |c: &Coe, what: &str| -> Result<()> {
            let mut c = c.clone();
            match &file {
                Some((path, id)) => {
                    c.id.clone_from(id);
                    store::save(path, &c)?;
                }
                None => {
                    let path = store::create_file(repo, &mut c)?;
                    ui::note(format!(
                        "Saving the draft as {}",
                        repo.relative(&path).display()
                    ));
                    file = Some((path, c.id.clone()));
                }
            }
            if let Some((path, id)) = &file {
                prompt::set_draft_note(draft_note(repo, path, id, what));
            }
            Ok(())
        };
        let mut walk = interview::Walk::new(
            p,
            &repo.config,
            interview::Mode::New,
            started_known,
            &mut save,
        )
        .after_services(Box::new(|c: &Coe| read_these_first(repo, c)));
        walk.metadata(coe)?;
        if let Some(file) = timeline {
            let imported = import_timeline(repo, coe, file)?;
            show_import(&imported, file);
            if walk
                .prompter()
                .confirm("Add these to the timeline?", true)?
            {
                timeline::merge(&mut coe.what_happened.timeline, &imported.entries);
                walk.save(coe, "the imported timeline")?;
            }
        }
        walk.run(coe, false, &[1, 2, 3, 4, 5, 6, 7])?;
    }
    let Some((path, id)) = file else {
        return Err(anyhow::anyhow!(
            "the interview ended before the draft was written"
        ));
    };
    coe.id = id;
    conclude(ctx, repo, p, coe, &path, "new COE", &mut |c| {
        store::save(&path, c)
    })?;
    Ok(path)
}

/// After the walk: offer `review` when complete, save, commit, tell what is missing.
pub fn conclude(
    ctx: &Context,
    repo: &Repo,
    p: &mut dyn Prompter,
    coe: &mut Coe,
    path: &Path,
    verb: &str,
    write: &mut dyn FnMut(&Coe) -> Result<()>,
) -> Result<()> {
    let missing = coe.missing(&repo.config);
    p.say("");
    if missing.is_empty() {
        if coe.status == Status::Draft
            && p.confirm(
                "All seven questions are answered. Mark the COE ready for review?",
                true,
            )?
        {
            coe.status = Status::Review;
        }
    } else {
        if coe.status != Status::Draft {
            p.say(&format!(
                "The COE is no longer complete, so it goes back from {} to draft.",
                coe.status
            ));
            coe.status = Status::Draft;
        }
        p.say(&format!("Still to answer ({}):", missing.len()));
        for m in &missing {
            p.say(&format!(
                "  - question {}: {} needs {}",
                m.question.number, m.field, m.what
            ));
        }
    }
    write(coe)?;
    let state = if missing.is_empty() {
        coe.status.as_str()
    } else {
        "draft"
    };
    ui::status(
        "Saved",
        format!("{} ({state})", repo.relative(path).display()),
    );
    ctx.commit(
        repo,
        &[path.to_path_buf()],
        &format!("coe: {verb} {} ({state})", coe.id),
    )?;
    if !missing.is_empty() {
        ui::note(format!("Run `coe edit {}` to answer the rest.", coe.id));
    }
    Ok(())
}

/// Turns an interview's result into an exit code, explaining an interrupt.
pub fn finish(result: Result<PathBuf>) -> Result<ExitCode> {
    match result {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) if e.downcast_ref::<Interrupted>().is_some() => {
            // The signal handler may have printed the note already; it is printed once.
            if let Some(note) = prompt::take_draft_note() {
                ui::note(format!("\n{note}"));
            }
            Ok(ExitStatus::Interrupted.into())
        }
        Err(e) => Err(e),
    }
}

/// What an interrupted interview says about the draft at `path`, whose last saved answer
/// is `what`.
pub(super) fn draft_note(repo: &Repo, path: &Path, id: &str, what: &str) -> String {
    format!(
        "Interrupted. {} holds every answer up to and including {what}; the answer being typed was not saved. Run `coe edit {id}` to go on.",
        repo.relative(path).display()
    )
}

/// A COE from the flags, and whether its start time was given.
fn from_flags(args: &NewArgs, repo: &Repo) -> Result<(Coe, bool)> {
    let config = &repo.config;
    let clock = config.clock();
    let bad = |flag: &str, e: String| -> anyhow::Error {
        UserError::new(format!("--{flag}: {e}")).into()
    };
    let started_known = args.started.is_some();
    let started: Stamp = match &args.started {
        Some(s) => clock.parse(s, None).map_err(|e| bad("started", e))?,
        None => Stamp::from(jiff::Timestamp::now()),
    };
    // Each time is at or after the one before it; an `HH:MM` that would be earlier is the
    // next day, and the note says so (nobody is there to ask).
    let mut previous = (started.clone(), "--started");
    let mut place = |flag: &'static str, text: &str| -> Result<Stamp> {
        let stamp = match clock
            .place_after(text, &previous.0)
            .map_err(|e| bad(flag, e))?
        {
            Placed::InOrder(s) => s,
            Placed::NextDay(s) => {
                ui::note(format!(
                    "--{flag} {text}: before {} ({}), so taken as {}, the next day.",
                    previous.1,
                    clock.show(&previous.0),
                    clock.show(&s)
                ));
                s
            }
            Placed::Before(s) => {
                return Err(bad(
                    flag,
                    format!(
                        "{} is before {} ({}): times go started, detected, mitigated, resolved",
                        clock.show(&s),
                        previous.1,
                        clock.show(&previous.0)
                    ),
                ))
            }
        };
        previous = (stamp.clone(), flag_name(flag));
        Ok(stamp)
    };
    let mut time = |flag: &'static str, value: &Option<String>| -> Result<Option<Stamp>> {
        value.as_deref().map(|text| place(flag, text)).transpose()
    };
    let detected = time("detected", &args.detected)?;
    let mitigated = time("mitigated", &args.mitigated)?;
    let resolved = time("resolved", &args.resolved)?;

    if let Some(sev) = &args.severity {
        if !config.severities.contains(sev) {
            return Err(UserError::new(format!(
                "--severity {sev}: not one of the configured severities ({})",
                config.severities.join(", ")
            ))
            .into());
        }
    }
    if let Some(cat) = &args.category {
        if !config.categories.contains(cat) {
            return Err(UserError::new(format!(
                "--category {cat}: not one of the configured categories ({})",
                config.categories.join(", ")
            ))
            .into());
        }
    }
    // Events in the order given: the first on the start day (it may come before `started`),
    // each later `HH:MM` on the day that keeps the order, said in a note when that is the
    // next day.
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    for e in &args.events {
        let (at, event) = e
            .split_once(' ')
            .ok_or_else(|| bad("event", format!("`{e}`: expected \"TIME EVENT\"")))?;
        let event = event.trim().to_string();
        if event.is_empty() {
            return Err(bad("event", format!("`{e}`: the event has no text")));
        }
        let at = match timeline.last() {
            None => clock
                .parse(at, Some(clock.day_of(&started)))
                .map_err(|err| bad("event", err))?,
            Some(last) => match clock
                .place_after(at, &last.at)
                .map_err(|err| bad("event", err))?
            {
                Placed::InOrder(s) | Placed::Before(s) => s,
                Placed::NextDay(s) => {
                    ui::note(format!(
                        "--event {e}: before the event before it, so taken as {}, the next day.",
                        clock.show(&s)
                    ));
                    s
                }
            },
        };
        timeline.push(TimelineEntry { at, event });
    }
    timeline.sort_by_key(|e| e.at.at());
    let data: Vec<DataPoint> = args.data.iter().map(|d| parse_data(d)).collect();
    for d in &data {
        if d.description.is_empty() {
            return Err(bad("data", "an entry has no description".into()));
        }
        if let Some(problem) = d.link.as_deref().and_then(crate::model::ids::link_problem) {
            return Err(bad("data", problem));
        }
    }
    for (flag, items) in [("why", &args.whys), ("lesson", &args.lessons)] {
        if items.iter().any(|i| i.trim().is_empty()) {
            return Err(bad(
                flag,
                "an empty answer; leave the flag out instead".into(),
            ));
        }
    }
    let corrective_actions = args
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| parse_action(a, i + 1).map_err(|e| bad("action", e)))
        .collect::<Result<Vec<_>>>()?;

    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let coe = Coe {
        version: coe::FORMAT_VERSION,
        id: String::new(),
        title: text(&args.title).trim().to_string(),
        status: Status::Draft,
        severity: args.severity.clone().unwrap_or_default(),
        leader: text(&args.leader),
        incident_ref: args.incident_ref.clone(),
        services: args
            .services
            .iter()
            .flat_map(|s| interview::split_list(s))
            .collect(),
        tags: args
            .tags
            .iter()
            .flat_map(|s| interview::split_list(s))
            .collect(),
        incident: coe::Incident {
            started,
            detected,
            mitigated,
            resolved,
        },
        what_happened: coe::WhatHappened {
            summary: text(&args.summary),
            timeline,
        },
        impact: coe::Impact {
            customers: text(&args.customers),
            customers_affected: args.customers_affected,
            business: text(&args.business),
            remediation: text(&args.remediation),
        },
        root_cause: coe::RootCause {
            summary: text(&args.root_cause),
            category: text(&args.category),
            whys: args.whys.clone(),
        },
        data,
        implications: coe::Implications {
            security: text(&args.security),
            other: text(&args.other_implications),
        },
        lessons: args.lessons.clone(),
        corrective_actions,
        contributing_factors: Vec::new(),
        review: Default::default(),
    };
    Ok((coe, started_known))
}

fn flag_name(flag: &'static str) -> &'static str {
    match flag {
        "detected" => "--detected",
        "mitigated" => "--mitigated",
        _ => "--resolved",
    }
}

/// "DESCRIPTION" or "DESCRIPTION <URL>".
fn parse_data(text: &str) -> DataPoint {
    let text = text.trim();
    if let (Some(open), true) = (text.rfind('<'), text.ends_with('>')) {
        let link = text[open + 1..text.len() - 1].trim().to_string();
        return DataPoint {
            description: text[..open].trim().to_string(),
            link: Some(link).filter(|l| !l.is_empty()),
        };
    }
    DataPoint {
        description: text.to_string(),
        link: None,
    }
}

/// "ACTION; kind=prevent; owner=team; due=2026-12-15; status=open; link=URL".
fn parse_action(spec: &str, number: usize) -> Result<CorrectiveAction, String> {
    let mut parts = spec.split(';').map(str::trim);
    let action = parts.next().unwrap_or_default().to_string();
    if action.is_empty() {
        return Err(format!("`{spec}`: the action has no text"));
    }
    let mut ca = CorrectiveAction::new(format!("CA-{number}"), action);
    for part in parts.filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}`: expected key=value"))?;
        let value = value.trim();
        match key.trim() {
            "kind" => {
                ca.kind = Some(
                    ActionKind::ALL
                        .into_iter()
                        .find(|k| k.as_str() == value)
                        .ok_or_else(|| {
                            format!("kind `{value}`: expected prevent, detect, mitigate or process")
                        })?,
                )
            }
            "owner" => ca.owner = value.to_string(),
            "due" => {
                ca.due = Some(
                    crate::model::dates::parse_date(value)
                        .map_err(|_| format!("due `{value}`: expected a date, YYYY-MM-DD"))?,
                )
            }
            "status" => {
                ca.status = ActionStatus::ALL
                    .into_iter()
                    .find(|s| s.as_str() == value)
                    .ok_or_else(|| format!("status `{value}`: expected open, done or wontfix"))?
            }
            "link" => {
                if let Some(problem) = crate::model::ids::link_problem(value) {
                    return Err(problem);
                }
                ca.link = Some(value.to_string());
            }
            "id" => ca.id = value.to_string(),
            other => {
                return Err(format!(
                    "unknown key `{other}` (expected kind, owner, due, status, link)"
                ))
            }
        }
    }
    if ca.status == ActionStatus::Done {
        ca.done = Some(crate::model::dates::today());
    }
    Ok(ca)
}

/// "Read these first": the three past COEs most related to the one being written (by its
/// services so far), shown once its services are known. Unreadable files are skipped here;
/// `coe check` names them.
fn read_these_first(repo: &Repo, coe: &Coe) -> Vec<String> {
    let Ok(loaded) = store::load_all(repo) else {
        return Vec::new();
    };
    let past: Vec<Coe> = loaded.into_iter().filter_map(|l| l.result.ok()).collect();
    let found = crate::report::related::related(
        &crate::report::related::Probe::of(coe),
        &past,
        crate::model::dates::today(),
    );
    if found.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        "Read these first: past COEs of the same services (`coe related ID` shows their actions)"
            .to_string(),
    ];
    lines.extend(super::related::lines(&found[..found.len().min(3)], false));
    lines.push(String::new());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_action_specs() {
        let ca = parse_action(
            "Stage config pushes; kind=prevent; owner=team-platform; due=2026-12-15",
            2,
        )
        .unwrap();
        assert_eq!(ca.id, "CA-2");
        assert_eq!(ca.kind, Some(ActionKind::Prevent));
        assert_eq!(ca.due.map(|d| d.to_string()).as_deref(), Some("2026-12-15"));
        assert!(parse_action("x; due=2026-02-30", 1).is_err());
        assert!(parse_action("x; colour=red", 1).is_err());
    }

    #[test]
    fn parses_data_specs() {
        assert_eq!(
            parse_data("p99 latency <https://g.example/d>")
                .link
                .as_deref(),
            Some("https://g.example/d")
        );
        assert_eq!(parse_data("log excerpt").link, None);
    }
}
