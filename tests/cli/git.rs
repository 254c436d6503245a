//! coe's commits against real git: the indexes and repository layouts git makes, signing,
//! hooks, operations in progress, features libgit2 lacks, and many writers at once.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::TestEnv;

/// git in `dir` with the tests' environment; its output, whatever its status.
fn git_output(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-11-23T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-23T12:00:00Z")
        .stdin(Stdio::null())
        .output()
        .expect("run git")
}

/// git in `dir`; its stdout, panicking when git fails.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_output(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `coe new --no-input` in `dir`.
fn coe_new(env: &TestEnv, dir: &Path, title: &str) -> Output {
    let args = [
        "new",
        "--no-input",
        "--title",
        title,
        "--severity",
        "SEV3",
        "--started",
        "2026-11-20T03:15:00Z",
    ];
    env.std_coe(&args).current_dir(dir).output().unwrap()
}

/// Runs `coe new` in `dir`, which must succeed; the new file's path relative to `dir`.
fn committed_coe(env: &TestEnv, dir: &Path, title: &str) -> String {
    let out = coe_new(env, dir, title);
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    format!("coes/{}.yaml", String::from_utf8_lossy(&out.stdout).trim())
}

/// What git must make of a repository after coe committed `rel` there: nothing wrong
/// (`fsck --strict`), the status the user left (`status`), `rel` alone in HEAD's commit,
/// and then a normal `git add other && git commit` that keeps `rel` in HEAD.
fn git_agrees(dir: &Path, rel: &str, status: &str) {
    git(dir, &["fsck", "--strict", "--no-progress"]);
    assert_eq!(
        git(dir, &["status", "--porcelain"]),
        status,
        "in {}",
        dir.display()
    );
    assert_eq!(
        git(dir, &["show", "--name-only", "--format=", "HEAD"]),
        format!("{rel}\n"),
        "only coe's file in its commit"
    );
    std::fs::write(dir.join("other.txt"), "other\n").unwrap();
    git(dir, &["add", "other.txt"]);
    git(dir, &["commit", "-q", "-m", "other"]);
    assert_eq!(
        git(dir, &["ls-tree", "--name-only", "HEAD", rel]),
        format!("{rel}\n"),
        "git's next commit keeps the COE"
    );
    assert_eq!(git(dir, &["status", "--porcelain", "--", rel]), "");
    git(dir, &["fsck", "--strict", "--no-progress"]);
}

/// HEAD's commit count.
fn commits(dir: &Path) -> String {
    git(dir, &["rev-list", "--count", "HEAD"])
}

#[test]
fn index_versions_2_3_and_4() {
    for version in ["2", "3", "4"] {
        let env = TestEnv::new();
        let mut status = String::new();
        if version == "3" {
            // Version 3 exists for the extended flags, such as an intent-to-add entry.
            env.write("later.txt", "later\n");
            env.git(&["add", "-N", "later.txt"]);
            status = " A later.txt\n".into();
        }
        env.git(&["update-index", "--index-version", version]);
        let rel = committed_coe(&env, &env.root, "Index version");
        assert_eq!(
            env.git(&["update-index", "--show-index-version"]).trim(),
            version
        );
        git_agrees(&env.root, &rel, &status);
    }
}

#[test]
fn a_cache_tree_partly_invalid() {
    let env = TestEnv::new();
    env.write("src/a.txt", "a\n");
    env.write("src/b.txt", "b\n");
    env.git(&["add", "src"]);
    env.git(&["commit", "-qm", "src"]);
    // The commit left the TREE extension whole; staging a change invalidates src/ and the
    // root, and leaves coes/ valid.
    env.write("src/a.txt", "changed\n");
    env.git(&["add", "src/a.txt"]);
    let rel = committed_coe(&env, &env.root, "Cache tree");
    git_agrees(&env.root, &rel, "M  src/a.txt\n");
}

#[test]
fn an_untracked_cache() {
    let env = TestEnv::new();
    env.git(&["config", "core.untrackedCache", "true"]);
    env.write("notes.txt", "mine\n");
    env.git(&["update-index", "--untracked-cache"]);
    env.git(&["status", "--porcelain"]);
    let rel = committed_coe(&env, &env.root, "Untracked cache");
    git_agrees(&env.root, &rel, "?? notes.txt\n");
}

#[test]
fn feature_many_files_and_index_skip_hash() {
    for setting in ["feature.manyFiles", "index.skipHash"] {
        let env = TestEnv::new();
        env.git(&["config", setting, "true"]);
        // The index written again by git with the setting on (no checksum).
        env.git(&["read-tree", "HEAD"]);
        let index = std::fs::read(env.root.join(".git/index")).unwrap();
        assert_eq!(index[index.len() - 20..], [0; 20], "{setting}");
        let rel = committed_coe(&env, &env.root, "Many files");
        git_agrees(&env.root, &rel, "");
    }
}

#[test]
fn a_linked_worktree() {
    let env = TestEnv::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let wt = elsewhere.path().canonicalize().unwrap().join("wt");
    env.git(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    let rel = committed_coe(&env, &wt, "In a worktree");
    git_agrees(&wt, &rel, "");
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "",
        "main work tree untouched"
    );
    assert_eq!(commits(&env.root), "1\n", "main did not move");
}

#[test]
fn a_submodule_present() {
    let env = TestEnv::new();
    let sub = tempfile::tempdir().unwrap();
    git(sub.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(sub.path().join("lib.txt"), "lib\n").unwrap();
    git(sub.path(), &["add", "lib.txt"]);
    git(
        sub.path(),
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e",
            "commit",
            "-qm",
            "lib",
        ],
    );
    let url = sub.path().to_str().unwrap();
    let add = [
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        url,
        "vendor/lib",
    ];
    env.git(&add);
    env.git(&["commit", "-qm", "submodule"]);
    let rel = committed_coe(&env, &env.root, "Beside a submodule");
    git_agrees(&env.root, &rel, "");
}

#[test]
fn a_shallow_clone() {
    let origin = TestEnv::new();
    committed_coe(&origin, &origin.root, "Older");
    let env = TestEnv::empty();
    let url = format!("file://{}", origin.root.display());
    git(&env.root, &["clone", "-q", "--depth", "1", &url, "."]);
    env.git(&["config", "user.name", "T"]);
    env.git(&["config", "user.email", "t@example.com"]);
    assert_eq!(env.git(&["rev-parse", "--is-shallow-repository"]), "true\n");
    let rel = committed_coe(&env, &env.root, "Shallow");
    git_agrees(&env.root, &rel, "");
}

#[test]
fn an_unborn_branch() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    env.git(&["config", "user.name", "T"]);
    env.git(&["config", "user.email", "t@example.com"]);
    env.write(".coe.yaml", "dir: coes\n");
    let rel = committed_coe(&env, &env.root, "First ever");
    assert_eq!(commits(&env.root), "1\n");
    git_agrees(&env.root, &rel, "?? .coe.yaml\n");
}

#[test]
fn a_detached_head() {
    let env = TestEnv::new();
    env.git(&["checkout", "-q", "--detach"]);
    let rel = committed_coe(&env, &env.root, "Detached");
    assert_eq!(commits(&env.root), "2\n");
    assert_eq!(env.git(&["rev-list", "--count", "main"]), "1\n");
    git_agrees(&env.root, &rel, "");
}

#[test]
fn another_coe_staged_modified_by_the_user() {
    let env = TestEnv::new();
    env.write("coes/2026-01-01-old.yaml", "title: old\n");
    env.git(&["add", "coes"]);
    env.git(&["commit", "-qm", "old"]);
    env.write("coes/2026-01-01-old.yaml", "title: old, being edited\n");
    env.git(&["add", "coes/2026-01-01-old.yaml"]);
    let rel = committed_coe(&env, &env.root, "Next to an edit");
    assert_eq!(
        env.git(&["diff", "--cached", "--name-only"]),
        "coes/2026-01-01-old.yaml\n",
        "the user's staged edit is still staged"
    );
    git_agrees(&env.root, &rel, "M  coes/2026-01-01-old.yaml\n");
}

#[test]
fn ten_writers_at_once_in_a_repository_of_20000_files() {
    let env = TestEnv::new();
    // One content for all: one blob, so making the repository and `fsck` take seconds.
    for i in 0..20_000 {
        let name = format!("coes/2020-01-01-old-{i:05}.yaml");
        std::fs::write(env.root.join(name), "an older COE\n").unwrap();
    }
    env.git(&["add", "coes"]);
    // No `gc --auto` in the background: it would race the `fsck` below.
    env.git(&["-c", "gc.auto=0", "commit", "-qm", "20,000 files"]);
    let children: Vec<_> = (0..10)
        .map(|i| {
            let title = format!("Writer {i}");
            let args = [
                "new",
                "--no-input",
                "--title",
                &title,
                "--started",
                "2026-11-20T03:15:00Z",
            ];
            let mut cmd = env.std_coe(&args);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", env.transcript(&out));
    }
    assert_eq!(commits(&env.root), "12\n", "init, the files, and 10 COEs");
    let tree = env.git(&["ls-tree", "--name-only", "HEAD", "coes/"]);
    assert_eq!(tree.lines().filter(|l| l.contains("-writer-")).count(), 10);
    assert_eq!(tree.lines().count(), 20_000 + 10 + 1, "and .gitkeep");
    assert_eq!(env.git(&["status", "--porcelain"]), "");
    env.git(&["fsck", "--strict", "--no-progress"]);
}

/// Whether `program` can be run (for the tests that need ssh-keygen).
fn installed(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn ssh_signing_makes_a_commit_git_verifies() {
    if !installed("ssh-keygen", "-?") {
        eprintln!("skipped: ssh-keygen is not installed");
        return;
    }
    let env = TestEnv::new();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "author@example.com",
            "-f",
        ])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(
        &allowed,
        format!("author@example.com namespaces=\"git\" {public}"),
    )
    .unwrap();
    env.git(&["config", "commit.gpgsign", "true"]);
    env.git(&["config", "gpg.format", "ssh"]);
    env.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    env.git(&[
        "config",
        "gpg.ssh.allowedSignersFile",
        allowed.to_str().unwrap(),
    ]);
    let rel = committed_coe(&env, &env.root, "Signed");
    let verified = git_output(&env.root, &["verify-commit", "HEAD"]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stderr).contains("Good \"git\" signature"));
    git_agrees(&env.root, &rel, "");
}

#[test]
fn a_signing_failure_commits_nothing_and_keeps_the_file() {
    let env = TestEnv::new();
    env.git(&["config", "commit.gpgsign", "true"]);
    env.git(&["config", "gpg.format", "ssh"]);
    env.git(&["config", "user.signingkey", "/nonexistent/id_ed25519"]);
    let out = coe_new(&env, &env.root, "Unsigned");
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("signing the commit failed"), "{text}");
    assert!(text.contains("/nonexistent/id_ed25519"), "{text}");
    assert!(
        text.contains("coes/2026-11-20-unsigned.yaml is saved but not committed"),
        "{text}"
    );
    assert_eq!(commits(&env.root), "1\n", "no commit, signed or not");
    assert!(env.root.join("coes/2026-11-20-unsigned.yaml").is_file());
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "?? coes/2026-11-20-unsigned.yaml\n",
        "not even staged"
    );
}

#[test]
fn openpgp_signing_runs_the_configured_gpg_program() {
    let env = TestEnv::new();
    let bin = tempfile::tempdir().unwrap();
    let program = bin.path().join("fake-gpg");
    let signed = bin.path().join("signed");
    // What git expects of gpg: `--status-fd=2 -bsau KEY`, the text on stdin, the
    // signature on stdout and SIG_CREATED on the status descriptor.
    let script = format!(
        "#!/bin/sh\n[ \"$1 $2 $3\" = '--status-fd=2 -bsau ABCD1234' ] || exit 9\ncat > '{}'\necho '[GNUPG:] SIG_CREATED D 22 8 00 1 ABCD' >&2\nprintf -- '-----BEGIN PGP SIGNATURE-----\\n\\nZmFrZQ==\\n-----END PGP SIGNATURE-----\\n'\n",
        signed.display()
    );
    std::fs::write(&program, script).unwrap();
    make_executable(&program);
    env.git(&["config", "commit.gpgsign", "true"]);
    env.git(&["config", "gpg.program", program.to_str().unwrap()]);
    env.git(&["config", "user.signingkey", "ABCD1234"]);
    committed_coe(&env, &env.root, "Signed with gpg");
    let commit = env.git(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains(
            "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n ZmFrZQ==\n -----END PGP SIGNATURE-----\n\ncoe:"
        ),
        "as git writes it: {commit}"
    );
    // What was signed is the commit without its signature.
    let unsigned: String = commit
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("gpgsig ") && !l.starts_with(' '))
        .collect();
    assert_eq!(std::fs::read_to_string(&signed).unwrap(), unsigned);
    env.git(&["fsck", "--strict", "--no-progress"]);
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn commit_hooks_are_named_not_run() {
    let env = TestEnv::new();
    let hook = env.write(
        ".git/hooks/pre-commit",
        "#!/bin/sh\ntouch hook-ran\nexit 1\n",
    );
    make_executable(&hook);
    env.write(".git/hooks/commit-msg.sample", "#!/bin/sh\nexit 1\n");
    let out = coe_new(&env, &env.root, "Hooked");
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(
            "note: coe does not run git hooks; not run: pre-commit (in [ROOT]/.git/hooks)"
        ),
        "{text}"
    );
    assert!(!env.root.join("hook-ran").exists());

    // core.hooksPath, relative to the top of the work tree, as git takes it.
    env.git(&["config", "core.hooksPath", "tools/hooks"]);
    let hook = env.write("tools/hooks/commit-msg", "#!/bin/sh\nexit 1\n");
    make_executable(&hook);
    let out = coe_new(&env, &env.root, "Hooked again");
    let text = env.transcript(&out);
    assert!(
        text.contains("not run: commit-msg (in [ROOT]/tools/hooks)"),
        "{text}"
    );

    let env = TestEnv::new();
    let out = coe_new(&env, &env.root, "Unhooked");
    let text = env.transcript(&out);
    assert!(!text.contains("hooks"), "{text}");
}

/// A repository where main and side changed `f.txt` differently: main has commits M
/// (`main`) and T (`third`) after the base, side has S (`side`).
fn diverged() -> TestEnv {
    let env = TestEnv::new();
    let commit = |text: &str| {
        env.write("f.txt", format!("{text}\n"));
        env.git(&["add", "f.txt"]);
        env.git(&["commit", "-qm", text]);
    };
    commit("base");
    env.git(&["checkout", "-q", "-b", "side"]);
    commit("side");
    env.git(&["checkout", "-q", "main"]);
    commit("main");
    commit("third");
    env
}

#[test]
fn each_operation_in_progress_is_refused_and_the_file_kept() {
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["merge", "side"],
            "a merge is in progress",
            "git merge --abort",
        ),
        (
            &["rebase", "side"],
            "a rebase is in progress",
            "git rebase --continue",
        ),
        (
            &["cherry-pick", "side"],
            "a cherry-pick is in progress",
            "git cherry-pick --continue",
        ),
        (
            &["revert", "--no-edit", "HEAD~1"],
            "a revert is in progress",
            "git revert --continue",
        ),
        (
            &["bisect", "start"],
            "a bisect is in progress",
            "git bisect reset",
        ),
    ];
    for (operation, refusal, way_on) in cases {
        let env = diverged();
        git_output(&env.root, operation);
        let before = env.git(&["rev-parse", "HEAD"]);
        let out = coe_new(&env, &env.root, "Mid operation");
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{operation:?}: {text}");
        assert!(text.contains(refusal), "{operation:?}: {text}");
        assert!(text.contains(way_on), "{operation:?}: {text}");
        assert!(text.contains("--no-commit"), "{operation:?}: {text}");
        assert!(
            text.contains("coes/2026-11-20-mid-operation.yaml is saved but not committed"),
            "{text}"
        );
        assert!(env
            .root
            .join("coes/2026-11-20-mid-operation.yaml")
            .is_file());
        assert_eq!(env.git(&["rev-parse", "HEAD"]), before, "{operation:?}");
        assert!(
            !env.git(&["ls-files", "coes"]).contains("mid-operation"),
            "not staged"
        );
    }
}

/// Runs `git init` with `flag` in a fresh directory, or None when this git lacks it.
fn init_with(flag: &str) -> Option<TestEnv> {
    let env = TestEnv::empty();
    let out = git_output(&env.root, &["init", "-q", flag]);
    if !out.status.success() {
        eprintln!(
            "skipped: git init {flag} failed here: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    env.git(&["config", "user.name", "T"]);
    env.git(&["config", "user.email", "t@example.com"]);
    Some(env)
}

/// `coe init` and `coe new` in a repository using a feature libgit2 lacks: refused with a
/// message naming `feature` and `--no-commit`, which then works.
fn names_the_feature(env: &TestEnv, feature: &str) {
    let init = !env.root.join(".coe.yaml").exists();
    let commands = [&["init"][..], &["new", "--no-input", "--title", "X"][..]];
    for args in commands.into_iter().skip(if init { 0 } else { 1 }) {
        let out = env.coe(args).output().unwrap();
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(feature), "{args:?}: {text}");
        assert!(text.contains("--no-commit"), "{args:?}: {text}");
        assert!(!text.contains("not inside a git repository"), "{text}");
        assert!(!text.contains("no COE repository"), "{text}");
        env.write(".coe.yaml", "dir: coes\n");
    }
    let out = env
        .coe(&["--no-commit", "new", "--no-input", "--title", "X"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
}

#[test]
fn a_sha256_repository_is_named() {
    if let Some(env) = init_with("--object-format=sha256") {
        names_the_feature(&env, "the sha256 object format (`extensions.objectFormat`)");
    }
}

#[test]
fn a_reftable_repository_is_named() {
    if let Some(env) = init_with("--ref-format=reftable") {
        names_the_feature(&env, "reftable reference storage (`extensions.refStorage`)");
    }
}

#[test]
fn split_and_sparse_indexes_are_named() {
    let env = TestEnv::new();
    env.git(&["config", "core.splitIndex", "true"]);
    names_the_feature(&env, "a split index (`core.splitIndex`)");
    let env = TestEnv::new();
    env.git(&["sparse-checkout", "set", "--cone", "coes"]);
    env.git(&["config", "index.sparse", "true"]);
    names_the_feature(&env, "a sparse index (`index.sparse`)");
}

#[test]
fn an_index_lock_held_by_another_is_named() {
    let env = TestEnv::new();
    env.write(".git/index.lock", "");
    let out = coe_new(&env, &env.root, "Locked out");
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("[ROOT]/.git/index.lock exists: another git process is using the index"),
        "{text}"
    );
    assert!(
        text.contains("coes/2026-11-20-locked-out.yaml is saved but not committed"),
        "{text}"
    );
    assert!(env.root.join("coes/2026-11-20-locked-out.yaml").is_file());
    assert!(
        env.root.join(".git/index.lock").exists(),
        "someone else's lock is left alone"
    );
    std::fs::remove_file(env.root.join(".git/index.lock")).unwrap();
    assert_eq!(commits(&env.root), "1\n");
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "?? coes/2026-11-20-locked-out.yaml\n"
    );
}

#[test]
fn a_conflict_left_on_the_path_is_resolved_as_git_add_would() {
    let env = TestEnv::new();
    // Conflict entries without a merge in progress, as a `git stash pop` can leave them.
    let blob = env.git(&["hash-object", "-w", "--stdin"]);
    let rel = "coes/2026-11-20-conflicted.yaml";
    let entries: String = (1..=3)
        .map(|stage| format!("100644 {} {stage}\t{rel}\n", blob.trim()))
        .collect();
    let mut update = Command::new("git")
        .current_dir(&env.root)
        .args(["update-index", "--index-info"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(update.stdin.as_mut().unwrap(), entries.as_bytes()).unwrap();
    assert!(update.wait().unwrap().success());
    assert_eq!(committed_coe(&env, &env.root, "Conflicted"), rel);
    assert_eq!(
        env.git(&["ls-files", "--stage", rel]).lines().count(),
        1,
        "stage 0 alone"
    );
    git_agrees(&env.root, rel, "");
}
