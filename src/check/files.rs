//! What `coe check` reads besides the COEs: the files given on the command line, the ids
//! other files take by their names, the incident export, and the job summary it writes.

use crate::check::output::{self};
use crate::check::{self};
use crate::error::UserError;
use crate::store::Context;
use crate::store::Repo;
use crate::vendors::{self, Export, ExportFormat};
use anyhow::{Context as _, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Appends the job summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions sets it.
pub fn write_job_summary(findings: &[check::Finding], summary: &str, omitted: usize) -> Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let text = output::job_summary(
        findings,
        &anstream::adapter::strip_str(summary).to_string(),
        omitted,
    );
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| {
            format!(
                "opening $GITHUB_STEP_SUMMARY ({})",
                Path::new(&path).display()
            )
        })?;
    use std::io::Write as _;
    file.write_all(text.as_bytes()).with_context(|| {
        format!(
            "writing $GITHUB_STEP_SUMMARY ({})",
            Path::new(&path).display()
        )
    })
}
/// `duplicate-id` for given files whose id is another file's name (`<id>.yaml`), found
/// without parsing the other files.
pub fn ids_taken_by_file_names(
    checked: &[check::Checked],
    others: &[PathBuf],
    repo: &Repo,
) -> Vec<check::Finding> {
    let names: HashSet<&std::ffi::OsStr> = others.iter().filter_map(|p| p.file_stem()).collect();
    checked
        .iter()
        .filter_map(|c| {
            let keys = c.keys.as_ref()?;
            names.contains(std::ffi::OsStr::new(&keys.id)).then(|| {
                let other = check::display_path(repo, &repo.coe_path(&keys.id));
                check::Finding {
                    file: c.display.clone(),
                    id: Some(keys.id.clone()),
                    rule: check::Rule::DuplicateId,
                    severity: check::Severity::Error,
                    message: format!(
                        "the id `{}` is also used by {other}; every COE needs its own id",
                        keys.id
                    ),
                    field: Some("id".into()),
                    line: keys.id_line,
                    summary: None,
                }
            })
        })
        .collect()
}
/// The files given on the command line, made absolute and deduplicated; a missing file or
/// a directory is a usage error.
pub fn resolve_files(cwd: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>> {
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
pub fn read_incidents(
    ctx: &Context,
    repo: &Repo,
    file: &Path,
    format: Option<ExportFormat>,
) -> Result<(String, Export)> {
    let path = ctx.cwd.join(file);
    let bytes = std::fs::read(&path).map_err(|e| {
        UserError::new(format!(
            "cannot read the incidents file {}: {}",
            file.display(),
            io_reason(&e)
        ))
        .hint(format!("--incidents takes a file: {}", vendors::ACCEPTED))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        UserError::new(format!(
            "the incidents file {} is not UTF-8 text",
            file.display()
        ))
    })?;
    let extension = |ext: &str| {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    let hints = vendors::Hints {
        csv: extension("csv"),
        json: extension("json"),
    };
    let listed = vendors::read(&text, format, hints).map_err(|why| {
        UserError::new(format!(
            "the incidents file {} cannot be read: {why}",
            file.display()
        ))
        .hint(format!("--incidents takes {}", vendors::ACCEPTED))
    })?;
    let display = match path.canonicalize() {
        Ok(real) if real.starts_with(&repo.root) => check::display_path(repo, &real),
        _ => file.display().to_string(),
    };
    Ok((display, listed))
}
/// "No such file or directory", without Rust's "(os error 2)".
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
/// Where the COE repository sits in its git work tree (`""`, or `ops/` for a `.coe.yaml`
/// in `ops/`): GitHub resolves annotation paths from the work-tree root.
pub fn work_tree_prefix(repo: &Repo) -> String {
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
