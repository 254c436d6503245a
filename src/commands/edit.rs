//! `coe edit`: the interview over an existing COE, answers pre-filled.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::error::UserError;
use crate::input::interview::{Mode, Walk};
use crate::input::prompt;
use crate::input::prompt::Prompter as _;
use crate::input::session::{conclude, draft_note, finish};
use crate::model::coe::Coe;
use crate::model::questions::QUESTIONS;
use crate::output::ui;
use crate::store;

/// Walk through an existing COE again, answers pre-filled
///
/// A draft resumes at the first question not yet answered and asks only what has no
/// answer yet; a complete COE offers a menu of the parts to change. `--question N` walks
/// question N, `--all` everything from the metadata on: every prompt shows the current
/// answer (Enter keeps it), and every list can be changed one item at a time (change,
/// remove, insert, add). Each answer is saved as you go; the result is committed at the
/// end.
///
/// Examples:
///   coe edit 2026-11-22-checkout-latency
///   coe edit 2026-11-22-checkout-latency --question 7
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct EditArgs {
    /// The COE's id, a unique start of it, or its file's path
    pub id: String,

    /// Ask only this question (1 to 7)
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u8).range(1..=crate::model::questions::COUNT as i64), conflicts_with = "all")]
    pub question: Option<u8>,

    /// Walk everything: the metadata and all seven questions
    #[arg(long)]
    pub all: bool,

    /// Edit the COE as YAML in $VISUAL/$EDITOR, questions and help as comments (default
    /// with `editor: true` in .coe.yaml or COE_EDITOR_MODE=1)
    #[arg(long, conflicts_with_all = ["question", "all", "no_editor"])]
    pub editor: bool,

    /// Answer questions even when `editor: true` or COE_EDITOR_MODE=1 says otherwise
    #[arg(long)]
    pub no_editor: bool,

    /// Add timeline entries from FILE (CSV/TSV `time,event`, a Slack channel export's day
    /// file, PagerDuty log entries JSON), clipped to the incident; shown and confirmed
    /// first, then committed
    #[arg(long, value_name = "FILE", conflicts_with_all = ["question", "all", "editor"])]
    pub timeline: Option<std::path::PathBuf>,

    /// Accept a rewrite of the whole file (losing its comments) where an answer cannot be
    /// saved in place
    #[arg(long)]
    pub rewrite: bool,
}

/// Runs `coe edit`.
pub fn run(ctx: &Context, args: EditArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (path, mut coe) = store::load_by_id(&repo, &args.id)?;
    if let Some(file) = &args.timeline {
        return import(ctx, &repo, &path, coe, (file, args.rewrite));
    }
    let explicit = args.question.is_some() || args.all;
    if !explicit && crate::input::in_editor::wanted(args.editor, args.no_editor, &repo) {
        ctx.check_identity(&repo)?;
        return crate::input::in_editor::edit(ctx, &repo, &path, &coe);
    }
    if !prompt::is_interactive() {
        return Err(UserError::new(format!(
            "`coe edit` asks questions, but stdin is not a terminal; edit {} by hand instead",
            repo.relative(&path).display()
        ))
        .into());
    }
    ctx.check_identity(&repo)?;
    let answered = coe.answered_questions(&repo.config);
    let first_unanswered = (1..=7).find(|n| !answered.contains(n));
    let plan = match (args.question, args.all, first_unanswered) {
        (Some(n), _, _) => Plan::Walk(Mode::All, false, vec![n]),
        (None, true, _) => Plan::Walk(Mode::All, true, (1..=7).collect()),
        (None, false, Some(first)) => {
            ui::note(format!("Resuming {} at question {first}, the first one not answered yet; answers already given are not asked again (use --all to revisit everything).", coe.id));
            Plan::Walk(Mode::Resume, true, (first..=7).collect())
        }
        (None, false, None) => Plan::Menu,
    };

    let mut p = prompt::TerminalPrompter::default();
    prompt::install_interrupt_handler();
    prompt::set_draft_note(format!(
        "Interrupted; {} was not changed.",
        repo.relative(&path).display()
    ));
    let mut file = InPlace::read(&repo, &path, args.rewrite)?;
    let result = (|| {
        {
            let id = coe.id.clone();
            let mut save = |c: &Coe, what: &str| -> Result<()> {
                file.write(c)?;
                prompt::set_draft_note(draft_note(&repo, &path, &id, what));
                Ok(())
            };
            match plan {
                Plan::Walk(mode, metadata, questions) => {
                    let mut walk = Walk::new(&mut p, &repo.config, mode, true, &mut save);
                    walk.run(&mut coe, metadata, &questions)?;
                }
                Plan::Menu => {
                    let mut walk = Walk::new(&mut p, &repo.config, Mode::All, true, &mut save);
                    menu(&mut walk, &mut coe)?;
                }
            }
        }
        conclude(ctx, &repo, &mut p, &mut coe, &path, "edit", &mut |c| {
            file.write(c)
        })?;
        Ok(path.clone())
    })();
    finish(result)
}

/// The COE file as last written: each save changes only the lines of what changed since,
/// so a person's comments stay; where it cannot, the save is refused (unless --rewrite).
struct InPlace<'r> {
    repo: &'r crate::store::Repo,
    file: store::edit::CoeFile,
    rewrite: bool,
}

impl<'r> InPlace<'r> {
    fn read(repo: &'r crate::store::Repo, path: &std::path::Path, rewrite: bool) -> Result<Self> {
        let file = store::edit::CoeFile::read(repo, path.to_path_buf())?;
        Ok(InPlace {
            repo,
            file,
            rewrite,
        })
    }

    fn write(&mut self, coe: &Coe) -> Result<()> {
        if *coe == self.file.coe {
            return Ok(());
        }
        let edit = self.file.edit(self.repo, coe, self.rewrite)?;
        edit.write()?;
        self.file.text = edit.new;
        self.file.coe = coe.clone();
        Ok(())
    }
}

/// `coe edit ID --timeline FILE`: the file's entries added to the timeline, after the
/// person has seen them (and confirmed, at a terminal); only the timeline's lines change.
fn import(
    ctx: &Context,
    repo: &crate::store::Repo,
    path: &std::path::Path,
    coe: Coe,
    (file, rewrite): (&std::path::Path, bool),
) -> Result<ExitCode> {
    let imported = crate::input::session::import_timeline(repo, &coe, file)?;
    crate::input::session::show_import(&imported, file);
    if prompt::is_interactive() {
        let mut p = prompt::TerminalPrompter::default();
        prompt::install_interrupt_handler();
        if !p.confirm("Add these to the timeline?", true)? {
            ui::note(format!(
                "{} was not changed.",
                repo.relative(path).display()
            ));
            return Ok(ExitCode::SUCCESS);
        }
    }
    ctx.check_identity(repo)?;
    let mut updated = coe.clone();
    let added =
        crate::vendors::timeline::merge(&mut updated.what_happened.timeline, &imported.entries);
    if added == 0 {
        ui::note("Every entry is in the timeline already; nothing changed.");
        return Ok(ExitCode::SUCCESS);
    }
    InPlace::read(repo, path, rewrite)?.write(&updated)?;
    ui::status(
        "Saved",
        format!(
            "{} ({} added to the timeline)",
            repo.relative(path).display(),
            crate::model::plural(added, "entry", "entries")
        ),
    );
    ctx.commit(
        repo,
        &[path.to_path_buf()],
        &format!(
            "coe: edit {} (timeline imported from {})",
            coe.id,
            imported.source.name()
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What `coe edit` walks.
enum Plan {
    /// In this mode, the metadata (or not) and these questions.
    Walk(Mode, bool, Vec<u8>),
    /// A complete COE: a menu of the parts to change, until "nothing more".
    Menu,
}

/// Asks which part of a complete COE to change, walks it with answers pre-filled, and asks
/// again, so a wrong answer anywhere is fixed without walking everything.
fn menu(walk: &mut Walk, coe: &mut Coe) -> Result<()> {
    const DONE: &str = "Nothing more: finish";
    const METADATA: &str = "Incident details: title, severity, leader, services, times";
    let mut items: Vec<String> = vec![DONE.to_string(), METADATA.to_string()];
    items.extend(
        QUESTIONS
            .iter()
            .map(|q| format!("{}. {}", q.number, q.text)),
    );
    let shown: Vec<&str> = items.iter().map(String::as_str).collect();
    loop {
        let choice = walk.prompter().select(
            "Every question is answered. What do you want to change?",
            &shown,
            0,
        )?;
        match choice {
            0 => return Ok(()),
            1 => walk.metadata(coe)?,
            n => match QUESTIONS.get(n - 2) {
                Some(question) => walk.question(coe, question)?,
                None => return Ok(()),
            },
        }
    }
}
