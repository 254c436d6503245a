//! `coe check`: the CI gate.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use super::Context;
use crate::check::output::{self, Format};
use crate::check::{self, incidents, Counts};
use crate::config::Repo;
use crate::error::UserError;
use crate::exit_codes::ExitStatus;
use crate::{store, ui};

/// Validate COE files; fail when one is broken or an incident lacks a complete COE
///
/// Checks every COE file (or the files given): that it parses; that its fields are valid
/// (id and file name, severity, category, incident times and timeline in order, unique
/// ids); that every COE whose incident started more than `due_days` ago answers all seven
/// questions; and lints for blame language, too few whys, unstated security implications
/// and open corrective actions past due. With `--incidents`, every listed incident must
/// have a COE.
///
/// Each finding is printed as `path:line: severity[rule]: message (field)`; a summary goes
/// to stderr. Exit status: 0 when there is no error, 1 when there is at least one, 2 on a
/// usage or configuration error.
///
/// Examples:
///   coe check
///   coe check --format github --incidents incidents.txt
///   coe check --strict coes/2026-11-22-checkout-latency.yaml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CheckArgs {
    /// COE files to check [default: every file in the COE directory]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Incidents that must each have a COE: one reference per line, a JSON array of
    /// strings, or CSV with an `incident_ref` or `id` column
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
}

/// Runs `coe check`.
pub fn run(ctx: &Context, args: CheckArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let today = crate::coe::today();
    let explicit = !args.files.is_empty();
    let paths = if explicit {
        resolve_files(&ctx.cwd, &args.files)?
    } else {
        store::list_files(&repo)?
    };
    // Read the incident list first: a usage error should not wait for 10,000 files.
    let listed = match &args.incidents {
        Some(file) => Some(read_incidents(ctx, &repo, file)?),
        None => None,
    };

    let checked = check::check_files(&paths, &repo, today);
    let mut findings: Vec<check::Finding> = checked
        .iter()
        .flat_map(|c| c.findings.iter().cloned())
        .collect();
    findings.extend(check::duplicate_ids(&checked));
    if let Some((display, listed)) = &listed {
        // Given files are what the caller changed; an incident may be covered by any COE.
        let others = if explicit {
            let given: HashSet<&PathBuf> = paths.iter().collect();
            let rest: Vec<PathBuf> = store::list_files(&repo)?
                .into_iter()
                .filter(|p| !given.contains(p))
                .collect();
            store::load_files(&rest)
        } else {
            Vec::new()
        };
        let other_refs = others
            .iter()
            .filter_map(|l| l.result.as_ref().ok())
            .flat_map(|coe| std::iter::once(coe.id.as_str()).chain(coe.incident_ref.as_deref()));
        let covered = check::covered_refs(&checked).chain(other_refs);
        findings.extend(check::missing_coes(display, listed, covered));
    }
    if args.strict {
        check::make_strict(&mut findings);
    }
    check::sort(&mut findings);

    let rendered = match args.format {
        Format::Text => output::text(&findings),
        Format::Json => output::json(&findings).context("writing the findings as JSON")?,
        Format::Github => output::github(&findings, &work_tree_prefix(&repo)),
    };
    ui::out(&rendered).context("writing to stdout")?;
    let counts = Counts::of(&findings);
    ui::note(output::summary(
        paths.len(),
        listed.as_ref().map(|(_, l)| l.len()),
        counts,
    ));
    Ok(if counts.errors > 0 {
        ExitStatus::Findings.into()
    } else {
        ExitCode::SUCCESS
    })
}

/// The files given on the command line, made absolute and deduplicated; a missing file or
/// a directory is a usage error.
fn resolve_files(cwd: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = Vec::with_capacity(files.len());
    for file in files {
        let path = cwd.join(file);
        let meta = std::fs::metadata(&path).map_err(|e| {
            UserError::new(format!(
                "cannot check {}: {}",
                file.display(),
                io_reason(&e)
            ))
        })?;
        if meta.is_dir() {
            return Err(UserError::new(format!(
                "{} is a directory; give COE files, or no arguments to check the whole COE \
                 directory",
                file.display()
            ))
            .into());
        }
        let path = path.canonicalize().unwrap_or(path);
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    Ok(paths)
}

/// Reads `--incidents FILE`; returns how findings name it, and its incidents.
fn read_incidents(
    ctx: &Context,
    repo: &Repo,
    file: &Path,
) -> Result<(String, Vec<incidents::Incident>)> {
    let path = ctx.cwd.join(file);
    let bytes = std::fs::read(&path).map_err(|e| {
        UserError::new(format!(
            "cannot read the incidents file {}: {}",
            file.display(),
            io_reason(&e)
        ))
        .hint("--incidents takes a file: one incident reference per line, a JSON array of strings, or CSV with an `incident_ref` or `id` column")
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        UserError::new(format!(
            "the incidents file {} is not UTF-8 text",
            file.display()
        ))
    })?;
    let csv_by_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let listed = incidents::parse(&text, csv_by_name).map_err(|why| {
        UserError::new(format!(
            "the incidents file {} cannot be read: {why}",
            file.display()
        ))
        .hint("--incidents takes one incident reference per line, a JSON array of strings, or CSV with an `incident_ref` or `id` column")
    })?;
    let display = match path.canonicalize() {
        Ok(real) if real.starts_with(&repo.root) => check::display_path(repo, &real),
        _ => file.display().to_string(),
    };
    Ok((display, listed))
}

/// "No such file or directory", without Rust's "(os error 2)".
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Where the COE repository sits in its git work tree (`""`, or `ops/` for a `.coe.yaml`
/// in `ops/`): GitHub resolves annotation paths from the work-tree root.
fn work_tree_prefix(repo: &Repo) -> String {
    let Some(workdir) = git2::Repository::discover(&repo.root)
        .ok()
        .and_then(|g| g.workdir().map(Path::to_path_buf))
    else {
        return String::new();
    };
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    match repo.root.strip_prefix(&workdir) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", rel.display()),
        _ => String::new(),
    }
}
