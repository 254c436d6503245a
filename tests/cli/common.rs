//! The one hermetic test environment: a temp dir holding a real git repository, no global
//! git configuration, a fixed author and dates, no colour, temp paths normalised.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temporary COE repository and a way to run `coe` in it.
pub struct TestEnv {
    dir: tempfile::TempDir,
    /// The repository root (canonical path).
    pub root: PathBuf,
    /// `$XDG_CACHE_HOME`: the parse cache, outside the repository.
    cache_home: tempfile::TempDir,
}

impl TestEnv {
    /// An empty directory (no git repository yet).
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let cache_home = tempfile::tempdir().expect("temp dir");
        TestEnv {
            dir,
            root,
            cache_home,
        }
    }

    /// A git repository with an identity and `coe init` run.
    pub fn new() -> Self {
        let env = Self::empty();
        env.git(&["init", "-q", "-b", "main"]);
        env.git(&["config", "user.name", "Test Author"]);
        env.git(&["config", "user.email", "author@example.com"]);
        env.coe(&["init"]).assert().success();
        env
    }

    /// `coe` with the hermetic environment, run in the repository root.
    pub fn coe(&self, args: &[&str]) -> Command {
        Command::from_std(self.std_coe(args))
    }

    /// Runs `coe` and returns its output, failing the test (with the transcript) unless it
    /// exits 0.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let out = self.coe(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "coe {args:?}: {}",
            self.transcript(&out)
        );
        out
    }

    /// The same as a plain `std::process::Command`, e.g. to spawn several at once.
    pub fn std_coe(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coe"));
        cmd.current_dir(&self.root).args(args);
        hermetic(&mut cmd, &self.root);
        cmd.env("XDG_CACHE_HOME", self.cache_home.path());
        cmd
    }

    /// The parse cache's directory (`$XDG_CACHE_HOME/coe`).
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_home.path().join("coe")
    }

    /// Runs git in the repository and returns its stdout; panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(&self.root)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", "2026-11-23T12:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-11-23T12:00:00Z")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes a file (relative to the root), creating directories.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Reads a file (relative to the root).
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel))
            .unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Replaces the temp path in output with `[ROOT]`,
    /// and commit hashes after "Committed" with `[HASH]` (they change with any byte committed).
    pub fn normalize(&self, text: &str) -> String {
        let text = text
            .replace(&self.root.display().to_string(), "[ROOT]")
            .replace(&self.dir.path().display().to_string(), "[ROOT]");
        let hash = regex::Regex::new(r"Committed [0-9a-f]{7,40}").expect("valid regex");
        hash.replace_all(&text, "Committed [HASH]").into_owned()
    }

    /// stdout, stderr and exit code of a finished command, normalised, for snapshots.
    pub fn transcript(&self, out: &Output) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            out.status.code().map_or("signal".into(), |c| c.to_string()),
            self.normalize(&String::from_utf8_lossy(&out.stdout)),
            self.normalize(&String::from_utf8_lossy(&out.stderr)),
        )
    }
}

/// A finished command's stdout as text.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The environment every test command runs with.
pub fn hermetic(cmd: &mut std::process::Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        // The parse cache goes outside the repository under test (TestEnv gives each its
        // own).
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("coe-tests-cache"),
        )
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-11-23T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-23T12:00:00Z")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .env("COE_TODAY", "2026-11-25");
}

/// A complete COE file for tests, with `id` and start date given.
pub fn complete_coe(id: &str, started: &str) -> String {
    format!(
        r#"version: 1
id: {id}
title: Checkout latency spike after config push
status: review
severity: SEV2
leader: Jane Doe
incident_ref: PD-48213
services: [checkout, payments]
tags: [config-push]
incident:
  started: "{started}"
  detected: "{started_date}T10:04:00Z"
  mitigated: "{started_date}T10:41:00Z"
  resolved: "{started_date}T11:30:00Z"

# 1. What happened?
what_happened:
  summary: |
    A configuration change raised the checkout service's timeout for all regions at once.
    Checkout requests queued and customers saw errors.
  timeline:
    - at: "{started}"
      event: Config change 4411 rolled out to all regions at once
    - at: "{started_date}T10:04:00Z"
      event: Latency alarm fired

# 2. What was the impact on customers and your business?
impact:
  customers: Customers could not complete checkout for 43 minutes.
  customers_affected: 12000
  business: An estimated 1,900 orders were delayed.
  remediation: Shipping fees refunded on all delayed orders.

# 3. What was the root cause?
root_cause:
  summary: Config pushes skip the staged rollout that code changes go through.
  category: configuration
  whys:
    - Checkout requests timed out.
    - The connection pool was exhausted by the new timeout.
    - The timeout change reached every region at once.
    - Config pushes are not staged.

# 4. What data do you have to support this?
data:
  - description: p99 checkout latency, 09:30-12:00
    link: https://grafana.example.com/d/abc

# 5. What were the critical implications, especially security?
implications:
  security: "None: no data was exposed; the change touched only timeouts."
  other: ""

# 6. What lessons did you learn?
lessons:
  - Global config pushes skip the canary stage.

# 7. What corrective actions are you taking to prevent this from happening again?
corrective_actions:
  - id: CA-1
    action: Route config pushes through the same staged rollout as code
    kind: prevent
    owner: team-platform
    due: "2026-12-15"
    status: open
"#,
        started_date = &started[..10],
    )
}
