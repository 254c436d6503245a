//! One COE file changed in place: its text read once, edits of single fields applied with
//! minimal diffs, shown as a unified diff for `--dry-run`, then written atomically.

use crate::error::UserError;
use crate::model::coe::Coe;
use crate::store;
use crate::store::format;
use crate::store::yaml_edit;
use crate::store::Repo;
use anyhow::Result;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

pub fn parse_day(text: &str) -> Result<Date, String> {
    crate::model::dates::parse_date(text)
}
/// A COE file as read: its path, text and the COE it parses to.
pub struct CoeFile {
    pub path: PathBuf,
    pub text: String,
    pub coe: Coe,
}
impl CoeFile {
    /// Reads the COE with this id, with errors naming the file.
    pub fn load(repo: &Repo, id: &str) -> Result<CoeFile> {
        let (path, _) = store::load_by_id(repo, id)?;
        CoeFile::read(repo, path)
    }

    /// Reads a COE file, with errors naming the file.
    pub fn read(repo: &Repo, path: PathBuf) -> Result<CoeFile> {
        let fail = |e: store::LoadError| store::file_error(repo.relative(&path), &e);
        let text = store::read_text(&path).map_err(fail)?;
        let coe = format::parse(&text).map_err(|e| fail(e.into()))?;
        Ok(CoeFile { path, text, coe })
    }

    /// The index of the action with this id (`CA-1`, `ca-1` or `1`), or an error listing
    /// the ids there are.
    pub fn action_index(&self, repo: &Repo, id: &str) -> Result<usize> {
        let wanted = id.trim();
        let matches = |action_id: &str| {
            let action_id = action_id.trim();
            action_id.eq_ignore_ascii_case(wanted)
                || action_id.eq_ignore_ascii_case(&format!("CA-{wanted}"))
        };
        if let Some(i) = self
            .coe
            .corrective_actions
            .iter()
            .position(|a| matches(&a.id))
        {
            return Ok(i);
        }
        let ids: Vec<&str> = self
            .coe
            .corrective_actions
            .iter()
            .map(|a| a.id.trim())
            .filter(|id| !id.is_empty())
            .collect();
        let hint = if ids.is_empty() {
            format!(
                "{} has no corrective actions with ids; add them with `coe edit {}`",
                self.coe.id, self.coe.id
            )
        } else {
            format!("its actions are {}", ids.join(", "))
        };
        Err(UserError::new(format!(
            "{} has no corrective action `{wanted}`",
            repo.relative(&self.path).display()
        ))
        .hint(hint)
        .into())
    }

    /// The file with `new`'s changes made in place, checked by reading it back. Refused,
    /// with nothing written, when that would lose a person's comment or layout.
    pub fn edit(&self, repo: &Repo, new: &Coe) -> Result<Edit> {
        let rel = repo.relative(&self.path);
        let updated = yaml_edit::update(&self.text, &self.coe, new).map_err(|e| {
            UserError::new(format!(
                "{}: {e}, and rewriting the whole file could lose comments; nothing was written",
                rel.display()
            ))
            .hint("make the change by hand, or with `coe edit`")
        })?;
        if !updated.dropped_comments.is_empty() {
            return Err(UserError::new(format!(
                "{}: the change would drop the comments {}; nothing was written",
                rel.display(),
                updated.dropped_comments.join(", ")
            ))
            .hint("make the change by hand, or with `coe edit`")
            .into());
        }
        Ok(Edit {
            path: self.path.clone(),
            old: self.text.clone(),
            new: updated.text,
        })
    }
}
/// A file's text before and after an edit.
pub struct Edit {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}
impl Edit {
    /// The change as a unified diff (`git diff` style), by libgit2.
    pub fn diff(&self, repo: &Repo) -> Result<String> {
        unified_diff(repo.relative(&self.path), &self.old, &self.new)
    }

    /// Writes the new text atomically.
    pub fn write(&self) -> Result<()> {
        store::write_atomic(&self.path, self.new.as_bytes(), true)
    }
}
/// `old` -> `new` of the file `rel` as a unified diff with git's headers.
pub fn unified_diff(rel: &Path, old: &str, new: &str) -> Result<String> {
    let mut patch =
        git2::Patch::from_buffers(old.as_bytes(), Some(rel), new.as_bytes(), Some(rel), None)?;
    let buf = patch.to_buf()?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
