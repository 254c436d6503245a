//! Commands that change one field change those lines only: comments, blank lines and a
//! person's wording stay, and the commit's diff is exactly the change (SPEC "Minimal diffs").

use crate::common::{complete_coe, TestEnv};

const ID: &str = "2026-11-20-checkout-latency";

/// A complete COE as a person left it: a reviewer's comments, their own spacing.
fn reviewed_coe() -> String {
    complete_coe(ID, "2026-11-20T09:58:00Z")
        .replacen("status: review", "status: review    # Sam: ready once CA-1 has a ticket", 1)
        .replacen(
            "\n# 2. What was the impact",
            "\n# Reviewer (Sam): the 12,000 comes from the payments dashboard.\n\n# 2. What was the impact",
            1,
        )
}

/// A repository where [`reviewed_coe`] was committed by hand; and the file's path.
fn committed_by_hand() -> (TestEnv, String) {
    let env = TestEnv::new();
    let path = format!("coes/{ID}.yaml");
    env.write(&path, reviewed_coe());
    env.git(&["add", "."]);
    env.git(&["commit", "-q", "-m", "COE written by hand"]);
    (env, path)
}

/// The `-`/`+` lines of the last commit's diff of `path`.
fn last_commit_changes(env: &TestEnv, path: &str) -> Vec<String> {
    env.git(&["show", "--format=", "--unified=0", "HEAD", "--", path])
        .lines()
        .filter(|l| {
            (l.starts_with('-') || l.starts_with('+'))
                && !l.starts_with("---")
                && !l.starts_with("+++")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn close_changes_only_the_status_line_and_keeps_comments() {
    let (env, path) = committed_by_hand();

    let out = env.run_ok(&["close", ID]);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("not committed"),
        "{}",
        env.transcript(&out)
    );
    assert_eq!(
        last_commit_changes(&env, &path),
        [
            "-status: review    # Sam: ready once CA-1 has a ticket",
            "+status: closed    # Sam: ready once CA-1 has a ticket",
        ]
    );
    assert!(env
        .read(&path)
        .contains("# Reviewer (Sam): the 12,000 comes from the payments dashboard.\n"));
    assert_eq!(env.git(&["status", "--porcelain"]), "");
}

#[test]
fn close_says_when_it_commits_hand_edits_too() {
    let (env, path) = committed_by_hand();
    // A hand edit left uncommitted: the close commit will carry it, and must say so.
    let edited = env
        .read(&path)
        .replace("Latency alarm fired", "Latency alarm fired (p99 > 2 s)");
    env.write(&path, edited);

    let out = env.run_ok(&["close", ID]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "had edits that were not committed (what_happened.timeline[1].event); this \
             commit includes them"
        ),
        "{}",
        env.transcript(&out)
    );
    let message = env.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with(&format!("coe: close {ID}\n")),
        "{message}"
    );
    assert!(
        message.contains(
            "Also commits edits of the file that were not committed before: \
             what_happened.timeline[1].event."
        ),
        "{message}"
    );
    let changes = last_commit_changes(&env, &path);
    assert_eq!(changes.len(), 4, "{changes:?}");
}
