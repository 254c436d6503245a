//! `coe edit`: the interview over an existing COE, answers pre-filled.

use std::process::ExitCode;

use anyhow::Result;

use super::new::{conclude, finish};
use super::Context;
use crate::error::UserError;
use crate::interview::{self, Given};
use crate::{prompt, store, ui};

/// Walk through an existing COE again, answers pre-filled
///
/// Every prompt shows the current answer; press Enter to keep it. A draft resumes at the
/// first question not yet answered; `--question N` asks only question N, `--all` walks
/// everything from the metadata on. Each answer is saved as you go; the result is
/// committed at the end.
///
/// Examples:
///   coe edit 2026-11-22-checkout-latency
///   coe edit 2026-11-22-checkout-latency --question 7
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct EditArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// Ask only this question (1 to 7)
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u8).range(1..=7), conflicts_with = "all")]
    pub question: Option<u8>,

    /// Walk everything: the metadata and all seven questions
    #[arg(long)]
    pub all: bool,
}

/// Runs `coe edit`.
pub fn run(ctx: &Context, args: EditArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (path, mut coe) = store::load_by_id(&repo, &args.id)?;
    if !prompt::is_interactive() {
        return Err(UserError::new(format!(
            "`coe edit` asks questions, but stdin is not a terminal; edit {} by hand instead",
            repo.relative(&path).display()
        ))
        .into());
    }
    ctx.check_identity(&repo)?;
    let answered = coe.answered_questions(&repo.config);
    let (ask_metadata, questions): (bool, Vec<u8>) = match args.question {
        Some(n) => (false, vec![n]),
        None if args.all => (true, (1..=7).collect()),
        None => match (1..=7).find(|n| !answered.contains(n)) {
            Some(first) => {
                ui::note(format!("Resuming {} at question {first}, the first one not answered yet (use --all to start from the top).", coe.id));
                (false, (first..=7).collect())
            }
            None => (true, (1..=7).collect()),
        },
    };

    let mut p = prompt::TerminalPrompter::default();
    prompt::install_interrupt_handler();
    prompt::set_draft_note(super::new::draft_note(&repo, &path, &coe.id));
    let result = (|| {
        let mut save = |c: &crate::coe::Coe| store::save(&path, c);
        interview::walk(
            &mut p,
            &mut coe,
            &repo.config,
            &Given::new(),
            ask_metadata,
            &questions,
            &mut save,
        )?;
        conclude(ctx, &repo, &mut p, &mut coe, &path, "edit")?;
        Ok(path.clone())
    })();
    finish(result)
}
