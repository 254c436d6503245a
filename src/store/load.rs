//! Loading every COE for the commands that read them all (`report`, `list`, `actions`):
//! from this work tree, or from HEAD of the repositories given with `--repo` or `repos:`,
//! through the parse cache. A file or repository that cannot be read is named and left
//! out, and the command then exits 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::UserError;
use crate::exit_codes::ExitStatus;
use crate::model::coe::Coe;
use crate::model::policy::CONFIG_FILE;
use crate::output::progress::Progress;
use crate::output::ui;
use crate::store;
use crate::store::cache::Cache;
use crate::store::repos;
use crate::store::repos::RepoSource;
use crate::store::Context;
use crate::store::Repo;

/// A COE file that could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreadable {
    /// The file, relative to the repository root.
    pub file: String,
    /// Why, with the line where known.
    pub error: String,
}

/// Where the read commands take their COEs from.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SourceArgs {
    /// Read the COEs committed on HEAD of this repository instead of the work tree; repeat
    /// for several (a bare mirror is enough). NAME= sets the name that qualifies its ids
    /// (default: the directory's name). [default: `repos:` in .coe.yaml]
    #[arg(long = "repo", value_name = "[NAME=]DIR")]
    pub repos: Vec<String>,

    /// Parse every COE file again instead of using the parse cache
    #[arg(long)]
    pub no_cache: bool,
}

impl SourceArgs {
    /// The repository whose configuration applies: the one around the current directory;
    /// with `--repo` and no repository here, the default configuration.
    pub fn repo(&self, ctx: &Context) -> Result<Repo> {
        if !self.repos.is_empty() && !inside_a_repository(&ctx.cwd) {
            return Repo::at(
                ctx.cwd.clone(),
                crate::model::policy::Config::default(),
                false,
            );
        }
        ctx.repo()
    }

    /// Loads every COE, from the work tree or from the repositories named by `--repo` (else
    /// `repos:` in the configuration), whose ids are then qualified as `NAME:ID`.
    pub fn load(&self, ctx: &Context, repo: &Repo) -> Result<LoadedRepo> {
        let cache = if self.no_cache { None } else { Cache::user() };
        let sources = if self.repos.is_empty() {
            parse_sources(&repo.config.repos, &repo.root)?
        } else {
            parse_sources(&self.repos, &ctx.cwd)?
        };
        if sources.is_empty() {
            return load_worktree(repo, cache.as_ref());
        }
        let progress = Progress::for_stderr();
        let mut coes = Vec::new();
        let mut unreadable = Vec::new();
        // Said once the progress bar is gone.
        let mut warnings = Vec::new();
        for source in &sources {
            match repos::load_head(source, cache.as_ref(), &progress) {
                Ok(loaded) => {
                    let (mut readable, failed) = split(loaded, Path::new(""), &mut warnings);
                    for (_, coe) in &mut readable {
                        coe.id = format!("{}:{}", source.name, coe.id);
                    }
                    coes.extend(readable);
                    unreadable.extend(failed);
                }
                Err(e) => {
                    let error = format!("{e:#}");
                    warnings.push(format!(
                        "cannot read repository {} ({}): {error}",
                        source.name,
                        source.path.display()
                    ));
                    unreadable.push(Unreadable {
                        file: format!("{} (repository {})", source.name, source.path.display()),
                        error,
                    });
                }
            }
        }
        progress.finish();
        warnings.into_iter().for_each(ui::warn);
        Ok(LoadedRepo { coes, unreadable })
    }
}

/// True when `dir` is in a COE repository (a `.coe.yaml` above it, or a git work tree).
fn inside_a_repository(dir: &Path) -> bool {
    dir.ancestors().any(|d| d.join(CONFIG_FILE).is_file())
        || git2::Repository::discover(dir).is_ok_and(|r| !r.is_bare())
}

/// The repositories of `--repo` or `repos:`, each with a name no other has.
fn parse_sources(specs: &[String], base: &Path) -> Result<Vec<RepoSource>> {
    let mut sources: Vec<RepoSource> = Vec::new();
    for spec in specs {
        let source = RepoSource::parse(spec, base)
            .map_err(|e| UserError::new(format!("repository `{spec}`: {e:#}")))?;
        if let Some(other) = sources.iter().find(|s| s.name == source.name) {
            return Err(UserError::new(format!(
                "two repositories are named `{}`: {} and {}",
                source.name,
                other.path.display(),
                source.path.display()
            ))
            .hint(format!(
                "name one of them, e.g. `--repo other-{}={}`",
                source.name,
                source.path.display()
            ))
            .into());
        }
        sources.push(source);
    }
    Ok(sources)
}

/// The readable COEs of a repository (with their files) and the files that could not be
/// read, each already named in a warning on stderr.
#[derive(Debug)]
pub struct LoadedRepo {
    /// The COEs, in file-name order.
    pub coes: Vec<(PathBuf, Coe)>,
    /// The files left out.
    pub unreadable: Vec<Unreadable>,
}

/// Loads every COE of the work tree once, in parallel, through the parse cache; a file
/// that cannot be read is warned about and kept in `unreadable`, so the output can say what
/// it leaves out.
pub fn load(repo: &Repo) -> Result<LoadedRepo> {
    load_worktree(repo, Cache::user().as_ref())
}

fn load_worktree(repo: &Repo, cache: Option<&Cache>) -> Result<LoadedRepo> {
    let progress = Progress::for_stderr();
    let loaded = store::load_worktree(repo, cache, &progress)?;
    progress.finish();
    let mut warnings = Vec::new();
    let (coes, unreadable) = split(loaded, &repo.root, &mut warnings);
    warnings.into_iter().for_each(ui::warn);
    Ok(LoadedRepo { coes, unreadable })
}

/// The COEs read, and the files that could not be, named relative to `root`, with a
/// warning for each in `warnings`.
fn split(
    loaded: Vec<store::Loaded>,
    root: &Path,
    warnings: &mut Vec<String>,
) -> (Vec<(PathBuf, Coe)>, Vec<Unreadable>) {
    let mut coes = Vec::new();
    let mut unreadable = Vec::new();
    for loaded in loaded {
        match loaded.result {
            Ok(coe) => coes.push((loaded.path, coe)),
            Err(e) => {
                let file = loaded.path.strip_prefix(root).unwrap_or(&loaded.path);
                warnings.push(format!("cannot read {}", store::describe(file, &e)));
                let line = e.line().map(|l| format!("line {l}: ")).unwrap_or_default();
                let field = e.field().map(|f| format!("{f}: ")).unwrap_or_default();
                unreadable.push(Unreadable {
                    file: file.display().to_string(),
                    error: format!("{line}{field}{e}"),
                });
            }
        }
    }
    (coes, unreadable)
}

/// Exit 0, or 2 with an error naming how many files (and repositories) `what` (e.g. "the
/// report leaves") out.
pub fn finish(unreadable: &[Unreadable], what: &str) -> ExitCode {
    if unreadable.is_empty() {
        return ExitCode::SUCCESS;
    }
    let repositories = unreadable
        .iter()
        .filter(|u| u.file.contains(" (repository "))
        .count();
    let files = unreadable.len() - repositories;
    let counted = match (files, repositories) {
        (n, 0) => crate::model::plural(n, "COE file", "COE files"),
        (0, n) => crate::model::plural(n, "repository", "repositories"),
        (f, r) => format!(
            "{} and {}",
            crate::model::plural(f, "COE file", "COE files"),
            crate::model::plural(r, "repository", "repositories")
        ),
    };
    let hint = if repositories > 0 {
        "check the repositories given with --repo or in `repos:`"
    } else {
        "run `coe check` to see every problem"
    };
    ui::error(
        &format!(
            "{counted} could not be read; {what} {} out",
            if unreadable.len() == 1 { "it" } else { "them" }
        ),
        &[],
        Some(hint),
    );
    ExitStatus::Usage.into()
}
