//! The views of `coe actions`: the rows a filter keeps, the aligned table, the reminders
//! per owner, and where each action of a COE links to.

use crate::model::coe::Coe;
use crate::model::kinds::ActionStatus;
use crate::model::plural;
use crate::output::markdown;
use crate::output::table::{Cell, Table};
use crate::output::ui::style;
use crate::report::view::ActionRow;
use crate::store::Repo;
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::path::Path;

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
            coe.corrective_actions
                .iter()
                .map(move |action| ActionRow::new(coe, action, config, today))
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
pub fn table(rows: &[ActionRow]) -> String {
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
pub fn owner_heading(group: &OwnerActions) -> String {
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
pub fn owner_reminder(groups: &[OwnerActions], links: &CoeLinks, today: Date) -> String {
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
pub fn markdown_table(rows: &[ActionRow], links: &CoeLinks) -> String {
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
pub fn web_address(remote: &str) -> Option<String> {
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
