//! Nothing lost, nothing half-written: concurrent writers, git edge cases, signals.

use std::process::Stdio;

use crate::common::{complete_coe, TestEnv};

fn draft_args(title: &str) -> Vec<&str> {
    vec![
        "new",
        "--no-input",
        "--title",
        title,
        "--severity",
        "SEV3",
        "--started",
        "2026-11-20T03:15:00Z",
    ]
}

#[test]
fn ten_concurrent_writers_lose_nothing() {
    let env = TestEnv::new();
    let children: Vec<_> = (0..10)
        .map(|_| {
            let mut cmd = env.std_coe(&draft_args("Same title for everyone"));
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().unwrap()
        })
        .collect();
    let mut ids: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10, "distinct ids: {ids:?}");
    assert_eq!(
        env.git(&["rev-list", "--count", "HEAD"]),
        "11\n",
        "init + 10 commits"
    );
    let tracked = env.git(&["ls-tree", "-r", "--name-only", "HEAD", "coes/"]);
    assert_eq!(
        tracked.lines().filter(|l| l.ends_with(".yaml")).count(),
        10,
        "{tracked}"
    );
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "",
        "index consistent with HEAD and the work tree"
    );
    env.git(&["fsck", "--no-progress"]);
}

#[test]
fn a_dirty_work_tree_stays_as_it_was() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "dir: coes\ndue_days: 10\n");
    env.write("staged.txt", "staged");
    env.git(&["add", "staged.txt"]);
    env.write("staged.txt", "staged, then changed");
    env.coe(&draft_args("Dirty tree")).assert().success();
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        " M .coe.yaml\nAM staged.txt\n"
    );
    assert_eq!(
        env.git(&["show", "--name-only", "--format=", "HEAD"]),
        "coes/2026-11-20-dirty-tree.yaml\n"
    );
}

#[test]
fn a_bare_repository_is_refused() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "--bare"]);
    let out = env.coe(&["init"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("bare git repository"), "{text}");
}

#[test]
fn a_coe_dir_outside_the_repository_is_refused() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "dir: ../elsewhere\n");
    let out = env.coe(&draft_args("Escape")).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("is outside the repository"), "{text}");
    assert!(!env.root.join("../elsewhere").exists());
}

#[test]
fn a_malformed_config_names_the_file_and_line() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "dir: coes\ndue_days: soon\n");
    let out = env.coe(&["show", "2026-11-20-x"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(".coe.yaml:2: invalid configuration"),
        "{text}"
    );
    assert!(
        !text.contains("Backtrace") && !text.contains("panicked"),
        "{text}"
    );
}

/// HEAD's commit count, for checking that a refused commit changed nothing.
fn commits(env: &TestEnv) -> String {
    env.git(&["rev-list", "--count", "HEAD"])
}

#[test]
fn an_index_coe_cannot_update_means_no_commit_at_all() {
    let env = TestEnv::new();
    // A split index made without `core.splitIndex` set: found only when the index is read.
    env.git(&["update-index", "--split-index"]);
    env.write("staged.txt", "staged");
    env.git(&["add", "staged.txt"]);
    let out = env.coe(&draft_args("Split index")).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("coes/2026-11-20-split-index.yaml is saved but not committed"),
        "{text}"
    );
    assert!(text.contains("uses a split index"), "{text}");
    assert!(!text.contains("not inside a git repository"), "{text}");
    assert_eq!(commits(&env), "1\n", "HEAD did not move");
    // Nothing half-done: the file is simply untracked, the user's staged work intact.
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "A  staged.txt\n?? coes/2026-11-20-split-index.yaml\n"
    );
}

#[test]
fn a_git_filter_on_coe_files_is_refused_not_bypassed() {
    let env = TestEnv::new();
    env.git(&["config", "filter.crypt.clean", "tr a-z A-Z"]);
    env.git(&["config", "filter.crypt.smudge", "cat"]);
    env.write(".gitattributes", "coes/*.yaml filter=crypt\n");
    env.git(&["add", ".gitattributes"]);
    env.git(&["commit", "-qm", "encrypt COEs"]);
    let out = env.coe(&draft_args("Secret")).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("has the git attribute `filter=crypt`"),
        "{text}"
    );
    assert_eq!(commits(&env), "2\n");
    assert_eq!(
        env.git(&["ls-files", "coes/"]),
        "coes/.gitkeep\n",
        "nothing staged in clear text"
    );
}

#[test]
fn a_symlinked_coe_directory_is_refused_not_replaced() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    env.git(&["config", "user.name", "T"]);
    env.git(&["config", "user.email", "t@example.com"]);
    env.write("records/coes/old.yaml", "k");
    std::os::unix::fs::symlink("records/coes", env.root.join("coes")).unwrap();
    env.write(".coe.yaml", "dir: coes\n");
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "symlinked"]);
    let out = env.coe(&draft_args("Through a link")).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("the repository has coes as a symbolic link"),
        "{text}"
    );
    assert_eq!(commits(&env), "1\n");
    assert_eq!(
        env.git(&["ls-tree", "HEAD", "coes"])
            .split_whitespace()
            .next(),
        Some("120000")
    );
}

#[test]
fn a_path_that_is_not_utf8_is_refused_not_mangled() {
    use std::os::unix::ffi::OsStrExt as _;
    let env = TestEnv::new();
    let odd = env.root.join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    std::fs::create_dir(&odd).unwrap();
    let out = env.coe(&["init"]).current_dir(&odd).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("is not a UTF-8 path"), "{text}");
    assert_eq!(
        commits(&env),
        "1\n",
        "nothing committed at the root or anywhere"
    );
}

#[test]
fn a_coe_head_holds_as_an_executable_is_refused_before_it_is_staged() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    let rel = format!("coes/{id}.yaml");
    env.write(&rel, complete_coe(id, "2026-11-22T09:58:00Z"));
    env.git(&["add", &rel]);
    env.git(&["update-index", "--chmod=+x", &rel]);
    env.git(&["commit", "-qm", "an executable COE"]);
    let index_before = std::fs::read(env.root.join(".git/index")).unwrap();
    let out = env.coe(&["close", id]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("as an executable (mode 100755)"), "{text}");
    assert!(text.contains("will not change its type"), "{text}");
    assert_eq!(commits(&env), "2\n", "HEAD did not move");
    // Refused before the index changed: the next `git commit` does not carry the change
    // coe refused.
    assert_eq!(
        std::fs::read(env.root.join(".git/index")).unwrap(),
        index_before
    );
    assert_eq!(env.git(&["diff", "--cached", "--name-only"]), "");
}
