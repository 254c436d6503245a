//! `coe actions export`: the open actions no tracker issue follows yet, in a shape a
//! tracker imports.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::super::Context;
use super::CoeLinks;
use crate::model::coe::{Coe, CorrectiveAction};
use crate::model::kinds::ActionStatus;
use crate::model::policy::Config;
use crate::output::ui;
use crate::store::load::{finish, load};

/// Export the open actions that have no tracker link, to open their issues in bulk
///
/// Each open corrective action without a `link` becomes one issue: its title is the
/// action, its body names the COE (with a link to it where the repository has a web
/// address), the owner, the kind and the due date. `--format gh` prints one
/// `gh issue create` command per action, quoted for any shell; `csv` suits Jira's CSV
/// importer (Summary, Description, Due date, Labels); `json` is for scripts. Once the issues
/// exist, record each one with `coe actions link ID CA-N URL`.
///
/// Examples:
///   coe actions export --format gh > open-issues.sh && sh open-issues.sh
///   coe actions export --format csv -o actions.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,

    /// Label the issues with LABEL (gh and csv)
    #[arg(long, default_value = "coe", value_name = "LABEL")]
    pub label: String,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// Output formats of `coe actions export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// CSV for a tracker's importer (Jira: Summary, Description, Due date, Labels)
    Csv,
    /// A JSON array, one object per action
    Json,
    /// One `gh issue create` command line per action
    Gh,
}

/// One action to open an issue for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedAction {
    /// The COE's id.
    pub coe: String,
    /// The action's id (`CA-1`).
    pub id: String,
    /// The issue's title: the action, on one line.
    pub title: String,
    /// The issue's body, linking back to the COE.
    pub body: String,
    /// The action's owner.
    pub owner: String,
    /// prevent | detect | mitigate | process
    pub kind: Option<String>,
    /// When it is due (its own date, or the default of `action_due_days`).
    pub due: Option<String>,
    /// The COE's web address, when the repository has one.
    pub coe_url: Option<String>,
}

/// The open actions of `coes` without a tracker link, in file order.
pub fn exported(
    coes: &[(std::path::PathBuf, Coe)],
    config: &Config,
    links: &CoeLinks,
) -> Vec<ExportedAction> {
    coes.iter()
        .flat_map(|(_, coe)| {
            coe.corrective_actions
                .iter()
                .filter(|a| a.status == ActionStatus::Open)
                .filter(|a| a.link.as_deref().is_none_or(|l| l.trim().is_empty()))
                .map(move |action| export_one(coe, action, config, links))
        })
        .collect()
}

fn export_one(
    coe: &Coe,
    action: &CorrectiveAction,
    config: &Config,
    links: &CoeLinks,
) -> ExportedAction {
    let due = coe.action_due(action, config).map(|d| d.to_string());
    let coe_url = links.url(&coe.id);
    let title = one_line(&action.action);
    let mut body = format!(
        "Corrective action {} of the COE {} ({}).",
        action.id.trim(),
        coe.id,
        one_line(&coe.title)
    );
    let mut facts = Vec::new();
    if !action.owner.trim().is_empty() {
        facts.push(format!("Owner: {}", one_line(&action.owner)));
    }
    if let Some(kind) = action.kind {
        facts.push(format!("Kind: {}", kind.as_str()));
    }
    if let Some(due) = &due {
        facts.push(format!("Due: {due}"));
    }
    if title.chars().count() > 200 {
        facts.push(format!("Action: {title}"));
    }
    for fact in facts {
        body.push_str(&format!(" {fact}."));
    }
    // Last, so no punctuation sticks to the address.
    match &coe_url {
        Some(url) => body.push_str(&format!(" COE: {url}")),
        None => body.push_str(&format!(" COE file: {}", links.path(&coe.id))),
    }
    ExportedAction {
        coe: coe.id.clone(),
        id: action.id.trim().to_string(),
        title: crate::output::markdown::shorten(&title, 200),
        body,
        owner: action.owner.trim().to_string(),
        kind: action.kind.map(|k| k.as_str().to_string()),
        due,
        coe_url,
    }
}

/// Text on one line: line breaks, tabs and other control characters become single spaces.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` as one POSIX shell word: single-quoted, each `'` written `'\''`. Inside single
/// quotes nothing is special to sh, bash, zsh or dash (`$()`, backticks, `\`, `!` in
/// scripts), so any title survives as typed.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// One `gh issue create` line per action. `--title=` and `--body=` keep a value that
/// starts with `-` from being read as a flag.
pub fn gh_lines(actions: &[ExportedAction], label: &str) -> String {
    actions
        .iter()
        .map(|a| {
            format!(
                "gh issue create {} {} {}\n",
                shell_quote(&format!("--title={}", a.title)),
                shell_quote(&format!("--body={}", a.body)),
                shell_quote(&format!("--label={label}")),
            )
        })
        .collect()
}

/// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return: OWASP's CSV-injection rule) gets a leading `'`, so it stays text.
fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn csv_text(actions: &[ExportedAction], label: &str) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "Summary",
        "Description",
        "Due date",
        "Labels",
        "Owner",
        "COE",
        "Action id",
    ])?;
    for a in actions {
        out.write_record(
            [
                a.title.as_str(),
                a.body.as_str(),
                a.due.as_deref().unwrap_or_default(),
                label,
                a.owner.as_str(),
                a.coe.as_str(),
                a.id.as_str(),
            ]
            .map(neutralise),
        )?;
    }
    let bytes = out.into_inner().context("writing CSV")?;
    String::from_utf8(bytes).context("writing CSV")
}

/// Runs `coe actions export`.
pub fn run(ctx: &Context, args: ExportArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let loaded = load(&repo)?;
    let links = CoeLinks::new(&repo);
    let actions = exported(&loaded.coes, &repo.config, &links);
    let label = one_line(&args.label);
    let text = match args.format {
        ExportFormat::Gh => gh_lines(&actions, &label),
        ExportFormat::Json => ui::json(&actions)?,
        ExportFormat::Csv => csv_text(&actions, &label)?,
    };
    super::super::emit(args.output.as_deref(), &text)?;
    ui::note(match actions.len() {
        0 => "Every open corrective action has a tracker link.".to_string(),
        1 => "1 open action without a link; once its issue exists, record it with \
              `coe actions link ID CA-N URL`."
            .to_string(),
        n => format!(
            "{n} open actions without a link; once their issues exist, record each with \
             `coe actions link ID CA-N URL`."
        ),
    });
    Ok(finish(&loaded.unreadable, "the export leaves"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(super::neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::neutralise("-1+1"), "'-1+1");
        assert_eq!(super::neutralise("Add an alarm"), "Add an alarm");
    }

    use super::*;

    #[test]
    fn shell_words_keep_hostile_text_as_typed() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~) `id`"), "'$(rm -rf ~) `id`'");
        assert_eq!(
            one_line("two\nlines\r\n\tand\u{7}bell"),
            "two lines and bell"
        );
    }
}
