//! `coe init`: a COE repository in the current directory.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::model::policy::{Config, CONFIG_FILE};
use crate::output::ui;
use crate::store;
use crate::store::git;
use crate::store::Repo;

/// Create `.coe.yaml` and the COE directory, and commit them
///
/// Runs `git init` first when the directory is not inside a git repository. Running it
/// again in an initialised repository changes nothing.
///
/// Example: mkdir postmortems && cd postmortems && coe init
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The directory for COE files, relative to `.coe.yaml`
    #[arg(long, value_name = "DIR", default_value = "coes")]
    pub dir: std::path::PathBuf,
}

/// The `.coe.yaml` that `coe init` writes: the defaults, spelled out and explained.
pub fn config_text(dir: &std::path::Path) -> String {
    let d = Config::default();
    let list = |items: &[String]| items.join(", ");
    format!(
        "# coe configuration. Every key is optional; the values below are the defaults.\n\
         dir: {dir}                 # where COE files live, relative to this file\n\
         due_days: {due}             # a COE must be complete this many days after the incident started\n\
         commit: true              # commit every change made by coe new/edit/close to git\n\
         severities: [{sev}]\n\
         categories: [{cat}]\n\
         min_whys: {whys}               # root_cause.whys must have at least this many entries\n\
         timezone: UTC             # IANA zone people type times in (HH:MM); stored as RFC 3339 with its offset\n\
         editor: false             # true: coe new/edit open $VISUAL/$EDITOR instead of asking questions\n\
         # blame_terms: [human error, careless, should have known, ...]   # replaces the built-in list\n\
         impact_weights: {{{weights}}}   # ranks incidents without a customer count\n\
         # action_due_days: {{prevent: 56, detect: 28, default: 30}}   # default due dates of corrective actions\n\
         tracker_done_statuses: [{done}]   # Jira statuses that mean done (coe actions sync)\n",
        dir = dir.display(),
        due = d.due_days,
        sev = list(&d.severities),
        cat = list(&d.categories),
        whys = d.min_whys,
        done = list(&d.tracker_done_statuses),
        weights = d
            .impact_weights
            .iter()
            .map(|(s, w)| format!("{s}: {w}"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Runs `coe init`.
pub fn run(ctx: &Context, args: InitArgs) -> Result<ExitCode> {
    let root = ctx.cwd.clone();
    if root.join(CONFIG_FILE).is_file() {
        ui::note(format!(
            "{} is already a COE repository ({CONFIG_FILE} exists); nothing to do.",
            root.display()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let text = config_text(&args.dir);
    // Validate before writing anything: the directory must stay inside the repository.
    let config = Config::parse(&text)?;
    let repo = Repo::at(root.clone(), config, true)?;
    let commit = ctx.should_commit(&repo);

    let git = if commit {
        let (git, created) = git::open_or_init(&root)?;
        if created {
            ui::status(
                "Initialized",
                format!("empty git repository in {}", root.display()),
            );
        }
        git::signature(&git)?;
        Some(git)
    } else {
        None
    };

    let config_path = root.join(CONFIG_FILE);
    let keep = repo.coe_dir.join(".gitkeep");
    let schema_path = root.join(super::schema::SCHEMA_FILE);
    store::write_atomic(&config_path, text.as_bytes(), false)?;
    store::create_parent(&keep)?;
    if !keep.exists() {
        store::write_atomic(&keep, b"", false)?;
    }
    let schema = crate::store::schema::to_text(&crate::store::schema::coe_schema());
    store::create_parent(&schema_path)?;
    store::write_atomic(&schema_path, schema.as_bytes(), true)?;
    ui::status(
        "Created",
        format!(
            "{CONFIG_FILE} and {}/",
            repo.relative(&repo.coe_dir).display()
        ),
    );
    ui::status(
        "Created",
        format!(
            "{} (for editors: see `coe schema --help`)",
            super::schema::SCHEMA_FILE
        ),
    );
    if let Some(git) = git {
        let paths = [config_path, keep, schema_path];
        match git::commit_paths(&git, &paths, "coe: initialise COE repository")? {
            Some(oid) => ui::status("Committed", &oid.to_string()[..8]),
            None => ui::note("These files are already committed as they are."),
        }
    }
    ui::note("Next: run `coe new` after an incident.");
    Ok(ExitCode::SUCCESS)
}
