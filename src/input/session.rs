//! The walk of `coe new` once the flags are read: the interview in order, the timeline
//! import, the closing checks, and what an interrupt says about the saved draft; and the
//! `--data` / `--action` flag specs.

use std::path::{Path, PathBuf};

use crate::error::Interrupted;
use crate::exit_codes::ExitStatus;
use crate::input::interview;
use crate::input::prompt::{self, Prompter};
use crate::model::coe::{Coe, CorrectiveAction, DataPoint};
use crate::model::kinds::ActionKind;
use crate::model::kinds::ActionStatus;
use crate::model::kinds::Status;
use crate::output::ui;
use crate::store;
use crate::store::Context;
use crate::store::Repo;
use crate::vendors::timeline;
use anyhow::Result;
use std::process::ExitCode;

/// Reads a `--timeline` file, clipped to the COE's incident.
pub fn import_timeline(repo: &Repo, coe: &Coe, file: &Path) -> Result<timeline::Imported> {
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
pub fn show_import(imported: &timeline::Imported, file: &Path) {
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
pub fn draft_note(repo: &Repo, path: &Path, id: &str, what: &str) -> String {
    format!(
        "Interrupted. {} holds every answer up to and including {what}; the answer being typed was not saved. Run `coe edit {id}` to go on.",
        repo.relative(path).display()
    )
}
pub fn flag_name(flag: &'static str) -> &'static str {
    match flag {
        "detected" => "--detected",
        "mitigated" => "--mitigated",
        _ => "--resolved",
    }
}
/// "DESCRIPTION" or "DESCRIPTION <URL>".
pub fn parse_data(text: &str) -> DataPoint {
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
pub fn parse_action(spec: &str, number: usize) -> Result<CorrectiveAction, String> {
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
pub fn read_these_first(repo: &Repo, coe: &Coe) -> Vec<String> {
    let Ok(loaded) = store::load_all(repo) else {
        return Vec::new();
    };
    let past: Vec<Coe> = loaded.into_iter().filter_map(|l| l.result.ok()).collect();
    let found = crate::report::related::related(
        &crate::report::related::Probe::of(coe),
        &past,
        &repo.config,
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
    lines.extend(crate::report::related::lines(
        &found[..found.len().min(3)],
        false,
    ));
    lines.push(String::new());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kinds::ActionKind;

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
