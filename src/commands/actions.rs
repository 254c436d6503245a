//! `coe actions`: corrective actions across all COEs, for follow-up and for CI, and the
//! subcommands that follow them to done (`done`, `link`, `sync`, `export`).

mod done;
mod export;
mod sync;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::Context;
use crate::exit_codes::ExitStatus;
use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::model::plural;
use crate::output::markdown;
use crate::output::table::{Cell, Table};
use crate::output::ui::{self, style};
use crate::report::view::ActionRow;
use crate::store::load::finish;
use crate::store::Repo;

/// List corrective actions across all COEs, or follow them to done
///
/// One row per action: its COE, id, owner, due date, status, days overdue and what it
/// does, soonest due first. An action is overdue when it is still open after its due date
/// (or, without one, after the default deadline `action_due_days` gives it).
/// Filters combine; a filter given several values (repeated or comma-separated) matches any
/// of them. With --fail, exits with status 1 when any listed action is overdue, for a
/// scheduled CI job. With --by-owner, the open actions are grouped per owner, overdue ones
/// first, with links to their COEs: the reminder a lead pastes into chat or mail.
///
/// Examples:
///   coe actions --overdue --fail
///   coe actions --owner team-platform --status open
///   coe actions --by-owner --format markdown
///   coe actions done 2026-11-22-checkout-latency CA-1 --date 2026-12-10
///   coe actions sync issues.json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
pub struct ActionsArgs {
    #[command(subcommand)]
    pub command: Option<ActionsCommand>,

    /// Only actions that are open and past due
    #[arg(long)]
    pub overdue: bool,

    /// Only actions owned by OWNER (case-insensitive)
    #[arg(long, value_delimiter = ',', value_name = "OWNER")]
    pub owner: Vec<String>,

    /// Only actions with this status
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<ActionStatusArg>,

    /// Exit with status 1 when any listed action is overdue
    #[arg(long)]
    pub fail: bool,

    /// One section per owner with their open and overdue actions (open actions unless
    /// --status says otherwise)
    #[arg(long)]
    pub by_owner: bool,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,

    #[command(flatten)]
    pub source: crate::store::load::SourceArgs,
}

/// A corrective action's status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionStatusArg {
    /// Not done yet
    Open,
    /// Done
    Done,
    /// Decided against
    Wontfix,
}

impl From<ActionStatusArg> for ActionStatus {
    fn from(s: ActionStatusArg) -> ActionStatus {
        match s {
            ActionStatusArg::Open => ActionStatus::Open,
            ActionStatusArg::Done => ActionStatus::Done,
            ActionStatusArg::Wontfix => ActionStatus::Wontfix,
        }
    }
}

/// Output formats of `coe actions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionsFormat {
    /// An aligned table
    Table,
    /// A JSON array of actions (with --by-owner, an array of owners with their actions)
    Json,
    /// Markdown: a table, or with --by-owner a section per owner, for chat or mail
    Markdown,
}

/// The subcommands of `coe actions`.
#[derive(Debug, clap::Subcommand)]
pub enum ActionsCommand {
    Done(done::DoneArgs),
    Link(done::LinkArgs),
    Sync(sync::SyncArgs),
    Export(export::ExportArgs),
}

/// The filters of `coe actions`.
#[derive(Debug, Default)]
pub struct Filter {
    /// Only open actions past due.
    pub overdue: bool,
    /// Owned by any of these, compared case-insensitively (all when empty).
    pub owner: Vec<String>,
    /// Any of these statuses (all when empty).
    pub status: Vec<ActionStatus>,
}

/// Every action of `coes` that passes `filter`, soonest due first (no due date last), then
/// by COE and action id. An action without `due` is due when `action_due_days` says.
pub fn rows<'a>(
    coes: impl IntoIterator<Item = &'a Coe>,
    filter: &Filter,
    config: &crate::model::policy::Config,
    today: Date,
) -> Vec<ActionRow> {
    let mut rows: Vec<ActionRow> = coes
        .into_iter()
        .flat_map(|coe| {
            coe.corrective_actions.iter().map(move |action| {
                let mut row = ActionRow::new(coe, action, today);
                if action.due.is_none() {
                    row.due = coe.action_due(action, config);
                    row.days_overdue = row
                        .due
                        .filter(|due| action.status == ActionStatus::Open && *due < today)
                        .map(|due| crate::model::dates::days_between(today, due));
                }
                row
            })
        })
        .filter(|row| {
            (!filter.overdue || row.days_overdue.is_some())
                && (filter.owner.is_empty()
                    || filter
                        .owner
                        .iter()
                        .any(|o| o.trim().eq_ignore_ascii_case(&row.owner)))
                && (filter.status.is_empty() || filter.status.contains(&row.status))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.due.is_none(), a.due)
            .cmp(&(b.due.is_none(), b.due))
            .then_with(|| a.coe.cmp(&b.coe))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

/// Runs `coe actions`.
pub fn run(ctx: &Context, args: ActionsArgs) -> Result<ExitCode> {
    match args.command {
        Some(ActionsCommand::Done(done)) => return done::run(ctx, done),
        Some(ActionsCommand::Link(link)) => return done::run_link(ctx, link),
        Some(ActionsCommand::Sync(sync)) => return sync::run(ctx, sync),
        Some(ActionsCommand::Export(export)) => return export::run(ctx, export),
        None => {}
    }
    let repo = args.source.repo(ctx)?;
    let today = crate::model::dates::today();
    let mut status: Vec<ActionStatus> = args.status.into_iter().map(ActionStatus::from).collect();
    if args.by_owner && status.is_empty() {
        status.push(ActionStatus::Open);
    }
    let filter = Filter {
        overdue: args.overdue,
        owner: args.owner,
        status,
    };
    let loaded = args.source.load(ctx, &repo)?;
    let rows = rows(
        loaded.coes.iter().map(|(_, c)| c),
        &filter,
        &repo.config,
        today,
    );
    let links = CoeLinks::new(&repo);
    match args.format {
        ActionsFormat::Json if args.by_owner => ui::out(&ui::json(&by_owner(&rows))?)?,
        ActionsFormat::Json => {
            ui::out(&ui::json(&rows)?)?;
        }
        ActionsFormat::Markdown if args.by_owner => {
            ui::out(&owner_reminder(&by_owner(&rows), &links, today))?
        }
        ActionsFormat::Markdown => ui::out(&markdown_table(&rows, &links))?,
        ActionsFormat::Table if rows.is_empty() => {
            if filter.overdue {
                ui::note("No corrective actions are overdue.");
            } else {
                ui::note("No corrective actions match.");
            }
        }
        ActionsFormat::Table if args.by_owner => {
            for group in by_owner(&rows) {
                ui::out(&format!(
                    "{}\n{}\n",
                    ui::paint(style::BOLD, owner_heading(&group)),
                    table(&group.actions)
                ))?;
            }
        }
        ActionsFormat::Table => ui::out(&table(&rows))?,
    }
    let code = finish(&loaded.unreadable, "the list leaves");
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    let overdue = rows.iter().filter(|r| r.days_overdue.is_some()).count();
    if args.fail && overdue > 0 {
        let what = if overdue == 1 {
            "1 corrective action is overdue".to_string()
        } else {
            format!("{overdue} corrective actions are overdue")
        };
        ui::error(&what, &[], None);
        return Ok(ExitStatus::Findings.into());
    }
    Ok(ExitCode::SUCCESS)
}

fn table(rows: &[ActionRow]) -> String {
    let mut table =
        Table::new(&["COE", "ID", "OWNER", "DUE", "STATUS", "OVERDUE", "ACTION"]).right_align(5);
    for row in rows {
        let status = match row.status {
            ActionStatus::Open => Cell::new("open"),
            ActionStatus::Done => Cell::styled("done", style::GOOD),
            ActionStatus::Wontfix => Cell::styled("wontfix", style::DIM),
        };
        let overdue = match row.days_overdue {
            Some(days) => Cell::styled(
                plural(usize::try_from(days).unwrap_or(0), "day", "days"),
                style::ERROR,
            ),
            None => Cell::new(""),
        };
        table.push(vec![
            Cell::new(&row.coe),
            Cell::new(&row.id),
            Cell::new(if row.owner.is_empty() {
                "—"
            } else {
                &row.owner
            }),
            Cell::new(row.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into())),
            status,
            overdue,
            Cell::new(&row.action),
        ]);
    }
    table.render()
}

/// The actions of one owner, for `--by-owner`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OwnerActions {
    /// The owner (empty for actions without one).
    pub owner: String,
    /// How many of `actions` are overdue.
    pub overdue: usize,
    /// The owner's actions: overdue first (most late first), then soonest due.
    pub actions: Vec<ActionRow>,
}

/// `rows` grouped by owner (compared case-insensitively), owners in name order with the
/// actions nobody owns last.
pub fn by_owner(rows: &[ActionRow]) -> Vec<OwnerActions> {
    let mut groups: BTreeMap<(bool, String), OwnerActions> = BTreeMap::new();
    for row in rows {
        let key = (row.owner.is_empty(), row.owner.to_lowercase());
        let group = groups.entry(key).or_insert_with(|| OwnerActions {
            owner: row.owner.clone(),
            overdue: 0,
            actions: Vec::new(),
        });
        group.overdue += usize::from(row.days_overdue.is_some());
        group.actions.push(row.clone());
    }
    let mut groups: Vec<OwnerActions> = groups.into_values().collect();
    for group in &mut groups {
        // Stable: rows arrive soonest due first.
        group
            .actions
            .sort_by_key(|row| std::cmp::Reverse(row.days_overdue.unwrap_or(-1)));
    }
    groups
}

fn owner_heading(group: &OwnerActions) -> String {
    let owner = if group.owner.is_empty() {
        "No owner"
    } else {
        &group.owner
    };
    let count = plural(group.actions.len(), "action", "actions");
    match group.overdue {
        0 => format!("{owner}: {count}"),
        n => format!("{owner}: {count}, {n} overdue"),
    }
}

/// The reminder a lead pastes into chat or mail: a section per owner, each action with its
/// COE (a link where the repository has a web address), due date and tracker link.
fn owner_reminder(groups: &[OwnerActions], links: &CoeLinks, today: Date) -> String {
    if groups.is_empty() {
        return format!("No open corrective actions on {today}.\n");
    }
    let mut out = format!("# Corrective actions by owner, {today}\n");
    for group in groups {
        out.push_str(&format!(
            "\n## {}\n\n",
            markdown::inline(&owner_heading(group))
        ));
        for row in &group.actions {
            let due = match (row.due, row.days_overdue) {
                (Some(due), Some(late)) => format!(
                    "**overdue {}** (due {due})",
                    plural(usize::try_from(late).unwrap_or(0), "day", "days")
                ),
                (Some(due), None) => format!("due {due}"),
                (None, _) => "no due date".to_string(),
            };
            let tracker = row
                .link
                .as_deref()
                .map(|l| format!(" · {}", markdown::link(l, l)))
                .unwrap_or_default();
            out.push_str(&format!(
                "- {due}: {} {}: {}{tracker}\n",
                links.markdown(&row.coe),
                markdown::inline(&row.id),
                markdown::inline(&row.action),
            ));
        }
    }
    out
}

fn markdown_table(rows: &[ActionRow], links: &CoeLinks) -> String {
    let mut out = String::from(
        "| COE | ID | Owner | Due | Status | Overdue | Action |\n| --- | --- | --- | --- | --- | ---: | --- |\n",
    );
    for row in rows {
        let overdue = row
            .days_overdue
            .map(|d| plural(usize::try_from(d).unwrap_or(0), "day", "days"))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {overdue} | {} |\n",
            links.markdown(&row.coe).replace('|', "\\|"),
            markdown::cell(&row.id),
            markdown::cell(&row.owner),
            row.due.map_or("—".into(), |d| d.to_string()),
            row.status.as_str(),
            crate::report::render::cell_link(&row.action, row.link.as_deref().unwrap_or("")),
        ));
    }
    out
}

/// Where a COE can be read: its page on the git host when the repository's `origin` is on
/// one (GitHub, GitLab and most hosts serve `<repo>/blob/HEAD/<path>`), else its path.
#[derive(Debug, Clone)]
pub struct CoeLinks {
    web: Option<String>,
    dir: String,
}

impl CoeLinks {
    /// The links of `repo`'s COEs.
    pub fn new(repo: &Repo) -> CoeLinks {
        let dir = repo
            .relative(&repo.coe_dir)
            .to_string_lossy()
            .replace('\\', "/");
        let web = git2::Repository::discover(&repo.root).ok().and_then(|git| {
            let workdir = git.workdir()?.canonicalize().ok()?;
            let prefix = repo.root.strip_prefix(&workdir).ok()?.to_path_buf();
            let remote = git.find_remote("origin").ok()?;
            let base = web_address(remote.url().ok()?)?;
            let prefix = prefix.to_string_lossy().replace('\\', "/");
            Some(if prefix.is_empty() {
                format!("{base}/blob/HEAD")
            } else {
                format!("{base}/blob/HEAD/{prefix}")
            })
        });
        CoeLinks { web, dir }
    }

    /// The COE's path relative to the repository root.
    pub fn path(&self, id: &str) -> String {
        format!("{}/{id}.yaml", self.dir)
    }

    /// The COE's web address, when the repository has one. None for a COE of another
    /// repository (`NAME:ID`, read with `--repo`).
    pub fn url(&self, id: &str) -> Option<String> {
        if id.contains(':') {
            return None;
        }
        self.web
            .as_ref()
            .map(|web| format!("{web}/{}", self.path(id)))
    }

    /// The COE as Markdown: a link to its page, or its path as code.
    pub fn markdown(&self, id: &str) -> String {
        match self.url(id) {
            Some(url) => markdown::link(id, &url),
            None => format!("`{}`", self.path(id).replace('`', "")),
        }
    }
}

/// The web address of a git remote: `git@github.com:acme/coes.git`,
/// `ssh://git@host/acme/coes` and `https://user@host/acme/coes.git` all give
/// `https://host/acme/coes`. None for a local path.
fn web_address(remote: &str) -> Option<String> {
    let remote = remote.trim();
    let (host, path) = if let Some((_, rest)) = remote.split_once("://") {
        if remote.starts_with("file://") {
            return None;
        }
        let (host, path) = rest.split_once('/')?;
        (host.rsplit('@').next()?.split(':').next()?, path)
    } else {
        // scp-like: [user@]host:path
        let (host, path) = remote.split_once(':')?;
        if host.contains('/') || path.starts_with("//") {
            return None;
        }
        (host.rsplit('@').next()?, path)
    };
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    (!host.is_empty() && !path.is_empty() && !Path::new(host).is_absolute())
        .then(|| format!("https://{host}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_of_remotes() {
        for remote in [
            "git@github.com:acme/coes.git",
            "https://github.com/acme/coes.git",
            "https://token@github.com/acme/coes/",
            "ssh://git@github.com:22/acme/coes.git",
        ] {
            assert_eq!(
                web_address(remote).as_deref(),
                Some("https://github.com/acme/coes"),
                "{remote}"
            );
        }
        assert_eq!(web_address("/srv/git/coes.git"), None);
        assert_eq!(web_address("file:///srv/git/coes.git"), None);
        assert_eq!(web_address("../coes"), None);
    }
}
