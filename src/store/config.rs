//! `.coe.yaml` on disk: finding the COE repository the way git finds its own, and reading
//! its configuration with errors that name the file and line.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::error::UserError;
use crate::model::policy::{Config, CONFIG_FILE};

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let config = Config::parse(&text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(":{}", l.line()))
                .unwrap_or_default();
            UserError::new(format!(
                "{}{at}: invalid configuration: {}",
                path.display(),
                crate::store::format::strip_location(&e.to_string())
            ))
            .hint("see the README's \"Configuration\" section for the keys `.coe.yaml` accepts")
        })?;
        if let Some((key, problem)) = config.problem() {
            let line = text
                .lines()
                .position(|l| l.starts_with(&format!("{key}:")))
                .map(|i| format!(":{}", i + 1))
                .unwrap_or_default();
            return Err(UserError::new(format!(
                "{}{line}: invalid configuration: `{key}` {problem}",
                path.display()
            ))
            .into());
        }
        Ok(config)
    }
}

/// A COE repository: where it is and how it is configured.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The directory that holds `.coe.yaml` (or the git work-tree root).
    pub root: PathBuf,
    /// The configuration (defaults when there is no `.coe.yaml`).
    pub config: Config,
    /// Whether `.coe.yaml` exists.
    pub has_config_file: bool,
    /// The absolute directory of COE files.
    pub coe_dir: PathBuf,
}

impl Repo {
    /// Finds the repository from `start` the way git does: walking up to the directory that
    /// holds `.coe.yaml`, else the git work-tree root. The walk stops at the work-tree root:
    /// a `.coe.yaml` above the git repository (in a home directory, say) belongs to another
    /// project. `COE_DIR` overrides the COE directory.
    pub fn discover(start: &Path) -> Result<Repo> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot use directory {}", start.display()))?;
        let git_root = git2::Repository::discover(&start)
            .ok()
            .and_then(|r| r.workdir().map(Path::to_path_buf))
            .map(|w| w.canonicalize().unwrap_or(w));
        let mut config_root = None;
        for dir in start.ancestors() {
            if dir.join(CONFIG_FILE).is_file() {
                config_root = Some(dir.to_path_buf());
                break;
            }
            if Some(dir) == git_root.as_deref() {
                break;
            }
        }
        let (root, has_config_file) = match (config_root, git_root) {
            (Some(root), _) => (root, true),
            (None, Some(git_root)) => (git_root, false),
            (None, None) => {
                return Err(UserError::new(format!(
                    "no COE repository found in {} or any parent directory",
                    start.display()
                ))
                .hint("run `coe init` to create one here, or pass `-C DIR`")
                .into())
            }
        };
        let config = if has_config_file {
            Config::load(&root.join(CONFIG_FILE))?
        } else {
            Config::default()
        };
        Repo::at(root, config, has_config_file)
    }

    /// A repository at `root` with this configuration; checks the COE directory stays inside.
    pub fn at(root: PathBuf, mut config: Config, has_config_file: bool) -> Result<Repo> {
        let mut source = "`dir:` in .coe.yaml";
        if let Some(dir) = std::env::var_os("COE_DIR").filter(|d| !d.is_empty()) {
            config.dir = PathBuf::from(dir);
            source = "COE_DIR";
        }
        let coe_dir = resolve_inside(&root, &config.dir, source)?;
        Ok(Repo {
            root,
            config,
            has_config_file,
            coe_dir,
        })
    }

    /// The path of a COE file by id.
    pub fn coe_path(&self, id: &str) -> PathBuf {
        self.coe_dir.join(format!("{id}.yaml"))
    }

    /// A path relative to the repository root, for messages and commits.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }
}

/// `root/dir`, normalised, refused when it leaves `root` (`..`, an absolute path elsewhere,
/// or a symlink out).
fn resolve_inside(root: &Path, dir: &Path, source: &str) -> Result<PathBuf> {
    let joined = root.join(dir);
    let mut normal = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let real = normal.canonicalize().unwrap_or_else(|_| normal.clone());
    if !normal.starts_with(root) || !real.starts_with(root) {
        return Err(UserError::new(format!(
            "the COE directory `{}` (from {source}) is outside the repository {}",
            dir.display(),
            root.display()
        ))
        .hint(format!(
            "set {source} to a path inside the repository, such as `coes`"
        ))
        .into());
    }
    Ok(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_outside_is_refused() {
        let root = std::env::temp_dir();
        assert!(resolve_inside(&root, Path::new("../elsewhere"), "dir").is_err());
        assert!(resolve_inside(&root, Path::new("/etc"), "dir").is_err());
        assert!(resolve_inside(&root, Path::new("coes/../coes"), "dir").is_ok());
    }
}
