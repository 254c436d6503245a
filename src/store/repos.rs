//! COEs committed on HEAD of other repositories, read from git objects through libgit2: a
//! bare mirror is enough, no checkout is needed. This is how `--repo` and `repos:` give a
//! director one report over many teams' repositories.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use crate::error::UserError;
use crate::model::policy::{Config, CONFIG_FILE};
use crate::output::progress::Progress;
use crate::store::cache::{Cache, Parsed, Session};
use crate::store::{self, Loaded, MAX_FILE_BYTES};

/// A repository to read, as given to `--repo [NAME=]DIR` or in `repos:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSource {
    /// The name that qualifies its ids (`NAME:ID`): given, or the directory's name without
    /// `.git`.
    pub name: String,
    /// The repository (a work tree, a directory inside one, or a bare repository).
    pub path: PathBuf,
}

impl RepoSource {
    /// Parses `[NAME=]DIR`; a relative DIR is taken from `base`.
    pub fn parse(spec: &str, base: &Path) -> Result<RepoSource> {
        let (name, dir) = match spec.split_once('=') {
            Some((name, dir)) if is_name(name) => (Some(name.to_string()), dir),
            _ => (None, spec),
        };
        if dir.trim().is_empty() {
            return Err(UserError::new(format!(
                "`{spec}` names no directory; give a repository as [NAME=]DIR"
            ))
            .into());
        }
        let path = base.join(dir);
        let name = match name {
            Some(name) => name,
            None => default_name(&path).with_context(|| {
                format!("cannot name the repository `{dir}` from its path; give it as NAME={dir}")
            })?,
        };
        Ok(RepoSource { name, path })
    }
}

/// A repository name: ASCII letters, digits, `.`, `_` and `-`, as in the `name:` of a
/// qualified id.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// `team-a` for `/srv/team-a`, `/srv/team-a.git` and `/srv/team-a/.git`.
fn default_name(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop();
            }
            _ => {}
        }
    }
    if parts.last().is_some_and(|p| p == ".git") {
        parts.pop();
    }
    let last = parts.pop().or_else(|| {
        // `.` or `..`: the current directory's own name.
        std::env::current_dir()
            .ok()
            .and_then(|d| path_name(&d.join(path)))
    })?;
    let name = last.strip_suffix(".git").unwrap_or(&last).to_string();
    is_name(&name).then_some(name)
}

fn path_name(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    Some(path.file_name()?.to_string_lossy().into_owned())
}

/// The COE files committed on HEAD of `source`, loaded in file-name order (through the
/// parse cache when one is given); their paths read `NAME:DIR/FILE`. An error means the
/// repository itself could not be read.
pub fn load_head(
    source: &RepoSource,
    cache: Option<&Cache>,
    progress: &Progress,
) -> Result<Vec<Loaded>> {
    let repo = open(&source.path)?;
    let Some(listing) = list_head(&repo, &source.path)? else {
        return Ok(Vec::new());
    };
    progress.add(listing.files.len(), &source.name);
    let git_dir = repo
        .path()
        .canonicalize()
        .unwrap_or_else(|_| repo.path().to_path_buf());
    // Each thread opens its own handle: a libgit2 repository is not shared between threads.
    drop(repo);
    let session = Session::open(
        cache,
        format!("head\0{}\0{}", git_dir.display(), listing.dir),
    );
    let parsed: Vec<Parsed> = listing
        .files
        .par_iter()
        .map_init(
            || git2::Repository::open(&git_dir).ok(),
            |thread_repo, (_, oid)| {
                let parsed = session
                    .hit(*oid)
                    .unwrap_or_else(|| session.parse(Some(*oid), read_blob(thread_repo, *oid)));
                progress.inc();
                parsed
            },
        )
        .collect();
    session.save(&parsed);
    Ok(listing
        .files
        .into_iter()
        .zip(parsed)
        .map(|((name, _), parsed)| Loaded {
            path: PathBuf::from(format!("{}:{}{name}", source.name, listing.dir)),
            result: parsed.result,
        })
        .collect())
}

/// What HEAD holds: the COE directory (as `dir/`, from the repository root) and its COE
/// files with their blobs, by name.
struct Listing {
    dir: String,
    files: Vec<(String, git2::Oid)>,
}

fn open(path: &Path) -> Result<git2::Repository> {
    if !path.exists() {
        return Err(UserError::new(format!("{}: no such directory", path.display())).into());
    }
    git2::Repository::open_ext(
        path,
        git2::RepositoryOpenFlags::empty(),
        std::iter::empty::<&std::ffi::OsStr>(),
    )
    .with_context(|| format!("{} is not a git repository coe can read", path.display()))
}

/// Lists the COE files on HEAD; `None` for a repository without commits yet.
fn list_head(repo: &git2::Repository, opened_at: &Path) -> Result<Option<Listing>> {
    let head = match repo.head() {
        Ok(head) => head,
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => return Ok(None),
        Err(e) => return Err(e).context("reading HEAD"),
    };
    let tree = head.peel_to_tree().context("reading HEAD's tree")?;
    // A repository opened in a directory inside its work tree keeps its COEs (and
    // `.coe.yaml`) there.
    let prefix = match (repo.workdir(), repo.is_bare()) {
        (Some(workdir), false) => subdirectory(opened_at, workdir)?,
        _ => String::new(),
    };
    let config_path = format!("{prefix}{CONFIG_FILE}");
    let config = match tree.get_path(Path::new(&config_path)) {
        Ok(entry) => {
            let blob = entry
                .to_object(repo)
                .and_then(|o| o.peel_to_blob())
                .with_context(|| format!("reading {config_path} on HEAD"))?;
            let text = std::str::from_utf8(blob.content())
                .with_context(|| format!("{config_path} on HEAD is not UTF-8 text"))?;
            Config::parse(text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(":{}", l.line()))
                    .unwrap_or_default();
                UserError::new(format!(
                    "{config_path}{at} on HEAD: invalid configuration: {}",
                    crate::store::format::strip_location(&e.to_string())
                ))
            })?
        }
        Err(_) => Config::default(),
    };
    let dir = tree_dir(&config.dir).ok_or_else(|| {
        UserError::new(format!(
            "{config_path} on HEAD: `dir` leaves the repository"
        ))
    })?;
    let dir = format!("{prefix}{dir}");
    let coe_tree = match tree.get_path(Path::new(dir.trim_end_matches('/'))) {
        Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => repo
            .find_tree(entry.id())
            .context("reading the COE directory")?,
        _ => {
            return Ok(Some(Listing {
                dir,
                files: Vec::new(),
            }))
        }
    };
    let mut files: Vec<(String, git2::Oid)> = coe_tree
        .iter()
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob) && e.filemode() & 0o170000 == 0o100000)
        .filter_map(|e| {
            let name = e.name().ok()?.to_string();
            let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
            (is_yaml && !name.starts_with('.')).then(|| (name, e.id()))
        })
        .collect();
    files.sort();
    Ok(Some(Listing { dir, files }))
}

/// The path from a work tree's root to the directory it was opened in, as `a/b/` (empty at
/// the root).
fn subdirectory(opened_at: &Path, workdir: &Path) -> Result<String> {
    let at = opened_at
        .canonicalize()
        .with_context(|| format!("cannot use directory {}", opened_at.display()))?;
    let root = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let inside = at.strip_prefix(&root).unwrap_or(Path::new(""));
    let mut prefix = String::new();
    for part in inside.components() {
        let part = part
            .as_os_str()
            .to_str()
            .with_context(|| format!("{} is not a UTF-8 path", inside.display()))?;
        prefix.push_str(part);
        prefix.push('/');
    }
    Ok(prefix)
}

/// A configured `dir:` as a path inside a tree, `coes/`: no `..` out of it, no absolute
/// path.
fn tree_dir(dir: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for part in dir.components() {
        match part {
            Component::Normal(p) => parts.push(p.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().map(|p| format!("{p}/")).collect())
}

/// A blob's content as text, with the checks a file gets (size, UTF-8).
fn read_blob(repo: &Option<git2::Repository>, oid: git2::Oid) -> Result<String, store::LoadError> {
    let fail = store::LoadError::Read;
    let repo = repo
        .as_ref()
        .ok_or_else(|| fail("cannot open the repository".into()))?;
    let odb = repo.odb().map_err(|e| fail(e.message().to_string()))?;
    let (size, _) = odb
        .read_header(oid)
        .map_err(|e| fail(format!("cannot read blob {oid}: {}", e.message())))?;
    if size as u64 > MAX_FILE_BYTES {
        return Err(store::LoadError::TooLarge);
    }
    let object = odb
        .read(oid)
        .map_err(|e| fail(format!("cannot read blob {oid}: {}", e.message())))?;
    store::decode_text(object.data().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_directory_or_are_given() {
        let base = Path::new("/srv");
        let name = |spec: &str| RepoSource::parse(spec, base).map(|s| s.name).ok();
        assert_eq!(name("team-a"), Some("team-a".into()));
        assert_eq!(name("/m/team-b.git"), Some("team-b".into()));
        assert_eq!(name("/m/team-c/.git"), Some("team-c".into()));
        assert_eq!(name("pay=/m/x.git"), Some("pay".into()));
        assert_eq!(
            RepoSource::parse("pay=/m/x.git", base).unwrap().path,
            PathBuf::from("/m/x.git")
        );
        // Not a name: the whole is a path.
        assert_eq!(
            RepoSource::parse("/a=b/c", base).unwrap().path,
            PathBuf::from("/a=b/c")
        );
        assert!(RepoSource::parse("x=", base).is_err());
        assert!(RepoSource::parse("/m/two words", base).is_err());
    }

    #[test]
    fn the_coe_directory_stays_inside_the_tree() {
        assert_eq!(tree_dir(Path::new("coes")), Some("coes/".into()));
        assert_eq!(tree_dir(Path::new("./a/../b/c")), Some("b/c/".into()));
        assert_eq!(tree_dir(Path::new("..")), None);
        assert_eq!(tree_dir(Path::new("/etc")), None);
    }
}
