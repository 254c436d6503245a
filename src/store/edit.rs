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
/// How a file's bytes are laid out beyond its YAML: a UTF-8 byte-order mark, and line ends
/// of `\r\n` (every line). An edit writes the file back the same way, so its diff is the
/// changed lines only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    pub bom: bool,
    pub crlf: bool,
}
impl Layout {
    /// The layout of a file's bytes.
    pub fn of(bytes: &[u8]) -> Layout {
        let crlf_count = bytes.windows(2).filter(|w| w == b"\r\n").count();
        let lf_count = bytes.iter().filter(|&&b| b == b'\n').count();
        Layout {
            bom: bytes.starts_with(b"\xef\xbb\xbf"),
            crlf: crlf_count > 0 && crlf_count == lf_count,
        }
    }
    /// `text` (LF line ends, no mark) as the bytes of a file of this layout.
    pub fn apply(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(b"\xef\xbb\xbf");
        }
        if self.crlf {
            out.extend_from_slice(text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes());
        } else {
            out.extend_from_slice(text.as_bytes());
        }
        out
    }
}

/// A COE file as read: its path, text (LF line ends, no byte-order mark), the COE it
/// parses to, and the layout of its bytes.
pub struct CoeFile {
    pub path: PathBuf,
    pub text: String,
    pub coe: Coe,
    pub layout: Layout,
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
        let bytes = store::read_bytes(&path).map_err(fail)?;
        let layout = Layout::of(&bytes);
        let mut text = store::decode_text(bytes).map_err(fail)?;
        if layout.crlf {
            text = text.replace("\r\n", "\n");
        }
        let coe = format::parse(&text).map_err(|e| fail(e.into()))?;
        Ok(CoeFile {
            path,
            text,
            coe,
            layout,
        })
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

    /// The file with `new`'s changes made in place, checked by reading it back: the lines
    /// of what changed, comments and layout kept. Where that is not possible (a layout the
    /// editor cannot change in place, or comments inside a changed answer), refused with the
    /// reason and the field, nothing written, unless `rewrite` (`--rewrite`) accepts a
    /// rewrite of the whole file (or the loss of those comments), which is then said.
    pub fn edit(&self, repo: &Repo, new: &Coe, rewrite: bool) -> Result<Edit> {
        let rel = repo.relative(&self.path);
        let hint = "make the change by hand, or pass --rewrite to accept a rewrite of the \
                    whole file (comments in it are lost)";
        let text = match yaml_edit::update(&self.text, &self.coe, new) {
            Ok(updated) if updated.dropped_comments.is_empty() => updated.text,
            Ok(updated) if rewrite => {
                crate::output::ui::warn(format!(
                    "{}: these comments were inside a changed answer and are gone (--rewrite): {}",
                    rel.display(),
                    updated.dropped_comments.join(" | ")
                ));
                updated.text
            }
            Ok(updated) => {
                return Err(UserError::new(format!(
                    "{}: the change would drop the comments {}; nothing was written",
                    rel.display(),
                    updated.dropped_comments.join(", ")
                ))
                .hint(hint)
                .into())
            }
            Err(e) if rewrite => {
                crate::output::ui::warn(format!(
                    "{}: {e}, so the whole file is rewritten (--rewrite): comments in it are lost",
                    rel.display()
                ));
                format::to_yaml(new)
            }
            Err(e) => {
                return Err(UserError::new(format!(
                    "{}: {e}, and rewriting the whole file would lose its comments and \
                     layout; nothing was written",
                    rel.display()
                ))
                .hint(hint)
                .into())
            }
        };
        Ok(Edit {
            path: self.path.clone(),
            old: self.text.clone(),
            new: text,
            layout: self.layout,
        })
    }
}
/// A file's text before and after an edit, and the layout its bytes keep.
pub struct Edit {
    pub path: PathBuf,
    pub old: String,
    pub new: String,
    pub layout: Layout,
}
impl Edit {
    /// The change as a unified diff (`git diff` style), by libgit2.
    pub fn diff(&self, repo: &Repo) -> Result<String> {
        unified_diff(repo.relative(&self.path), &self.old, &self.new)
    }

    /// Writes the new text atomically, with the file's byte-order mark and line ends.
    pub fn write(&self) -> Result<()> {
        store::write_atomic(&self.path, &self.layout.apply(&self.new), true)
    }
}
/// `old` -> `new` of the file `rel` as a unified diff with git's headers.
pub fn unified_diff(rel: &Path, old: &str, new: &str) -> Result<String> {
    let mut patch =
        git2::Patch::from_buffers(old.as_bytes(), Some(rel), new.as_bytes(), Some(rel), None)?;
    let buf = patch.to_buf()?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::Layout;

    #[test]
    fn layout_keeps_bom_and_crlf_and_leaves_lf_files_alone() {
        let crlf = b"\xef\xbb\xbfa: 1\r\nb: 2\r\n";
        let layout = Layout::of(crlf);
        assert_eq!(
            layout,
            Layout {
                bom: true,
                crlf: true
            }
        );
        assert_eq!(
            layout.apply("a: 1\nb: 3\n"),
            b"\xef\xbb\xbfa: 1\r\nb: 3\r\n"
        );
        let lf = Layout::of(b"a: 1\nb: 2\n");
        assert_eq!(lf, Layout::default());
        assert_eq!(lf.apply("a: 1\n"), b"a: 1\n");
        // Mixed line ends are not CRLF: the text is written as it is.
        assert!(!Layout::of(b"a: 1\r\nb: 2\n").crlf);
    }
}
