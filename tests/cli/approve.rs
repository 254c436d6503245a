//! Review sign-off and the severity policy: `coe approve` (a minimal, committed diff), `coe
//! close` refusing a COE short of approvals, `coe check` flagging a closed one, self-approval,
//! per-severity due days; on real git repositories.

use crate::common::{complete_coe, TestEnv};

const ID: &str = "2026-11-22-checkout";

/// A repository whose SEV2 COEs need one approval, holding one complete SEV2 COE led by
/// Jane Doe, with a comment a person added.
fn env_with_policy(extra: &str) -> TestEnv {
    let env = TestEnv::new();
    env.write(
        ".coe.yaml",
        format!("approvals: {{SEV1: 2, SEV2: 1}}\n{extra}"),
    );
    let text = complete_coe(ID, "2026-11-22T09:58:00Z")
        .replace("lessons:\n", "lessons: # agreed in the review meeting\n");
    env.write(&format!("coes/{ID}.yaml"), text);
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "add the COE"]);
    env
}

fn run(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let out = env.coe(args).output().unwrap();
    let text = format!("$ coe {}\n{}", args.join(" "), env.transcript(&out));
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code().unwrap(), text)
}

#[test]
fn close_waits_for_approval_and_approve_commits_a_minimal_diff() {
    let env = env_with_policy("");
    let rel = format!("coes/{ID}.yaml");
    let before = env.read(&rel);

    let (code, refused) = run(&env, &["close", ID]);
    assert_eq!(code, 1, "{refused}");
    assert_eq!(env.read(&rel), before, "a refused close changes nothing");

    let (code, approved) = run(&env, &["approve", ID]);
    assert_eq!(code, 0, "{approved}");
    let diff = env.git(&["show", "--format=%s", "-U0", "HEAD"]);
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        added,
        [
            "+review:",
            "+  approvals:",
            "+    - by: Test Author",
            "+      on: \"2026-11-25\""
        ],
        "{diff}"
    );
    assert!(
        !diff
            .lines()
            .any(|l| l.starts_with('-') && !l.starts_with("---")),
        "{diff}"
    );
    assert!(
        diff.starts_with("coe: approve 2026-11-22-checkout (Test Author)\n"),
        "{diff}"
    );
    assert!(env
        .read(&rel)
        .contains("lessons: # agreed in the review meeting\n"));

    let (code, again) = run(&env, &["approve", ID]);
    assert_eq!(code, 0, "{again}");
    assert!(
        again.contains("Test Author has already approved"),
        "{again}"
    );

    let (code, closed) = run(&env, &["close", ID]);
    assert_eq!(code, 0, "{closed}");
    let (code, checked) = run(&env, &["check"]);
    assert_eq!(code, 0, "{checked}");
    insta::assert_snapshot!(format!("{refused}\n{approved}\n{closed}"));
}

#[test]
fn the_leader_cannot_approve_their_own_coe_unless_allowed() {
    let env = env_with_policy("");
    env.git(&["config", "user.name", "Jane Doe"]);
    let (code, text) = run(&env, &["approve", ID]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("Jane Doe leads 2026-11-22-checkout, so cannot approve it"),
        "{text}"
    );

    let env = env_with_policy("allow_self_approval: true\n");
    env.git(&["config", "user.name", "Jane Doe"]);
    let (code, text) = run(&env, &["approve", ID]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(&env, &["close", ID]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn check_flags_a_closed_coe_without_its_approvals() {
    let env = env_with_policy("");
    let rel = format!("coes/{ID}.yaml");
    env.write(
        &rel,
        env.read(&rel).replace("status: review", "status: closed"),
    );
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(
            "coes/2026-11-22-checkout.yaml:4: error[approvals]: the COE is closed with 0 of \
             the 1 approval a SEV2 COE needs (1 missing; the leader's own approval does \
             not count); reviewers approve with `coe approve 2026-11-22-checkout` (status)"
        ),
        "{text}"
    );
    // Approving a closed COE after the fact settles it.
    let (code, text) = run(&env, &["approve", ID]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn due_days_per_severity() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "due_days: {SEV1: 7, default: 30}\n");
    // Both started 10 days before COE_TODAY and miss their lessons.
    for (id, severity) in [("2026-11-15-sev1", "SEV1"), ("2026-11-15-sev3", "SEV3")] {
        let text = complete_coe(id, "2026-11-15T09:58:00Z")
            .replace("severity: SEV2", &format!("severity: {severity}"))
            .replace(
                "incident_ref: PD-48213",
                &format!("incident_ref: PD-{severity}"),
            )
            .replace(
                "lessons:\n  - Global config pushes skip the canary stage.\n",
                "lessons: []\n",
            );
        env.write(&format!("coes/{id}.yaml"), text);
    }
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("2026-11-15-sev1.yaml:55: error[incomplete]: question 6 (lessons) unanswered; due 2026-11-22, 3 days ago"),
        "{text}"
    );
    assert!(
        text.contains("2026-11-15-sev3.yaml: note[incomplete]: not complete yet: question 6 is unanswered; it is due on 2026-12-15, in 20 days"),
        "{text}"
    );
}

#[test]
fn an_old_configuration_reads_unchanged() {
    let env = TestEnv::new();
    env.write(
        ".coe.yaml",
        "dir: coes\ndue_days: 14\ncommit: true\nseverities: [SEV1, SEV2, SEV3, SEV4]\nmin_whys: 3\n",
    );
    env.write(
        &format!("coes/{ID}.yaml"),
        complete_coe(ID, "2026-11-22T09:58:00Z").replace("status: review", "status: closed"),
    );
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, 0, "no approvals asked for: {text}");
}

/// `git var IDENT` (name and email) for the repository, with `vars` over the test's
/// environment: what git itself would record.
fn git_ident(env: &TestEnv, which: &str, vars: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(&env.root).args(["var", which]);
    crate::common::hermetic(&mut cmd, &env.root);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    let ident = String::from_utf8(out.stdout).unwrap();
    // "Name <email> 1700000000 +0000": the time is not ours to compare.
    ident[..=ident.find('>').unwrap()].to_string()
}

/// The identity git would use comes from `GIT_CONFIG_GLOBAL` (not `~/.gitconfig`), from an
/// `includeIf` in it, from `author.*`/`committer.*` and from `GIT_COMMITTER_*`; each is
/// compared with what `git var` says.
#[test]
fn the_approval_and_the_commit_are_by_whoever_git_says() {
    let env = env_with_policy("");
    env.git(&["config", "--unset", "user.name"]);
    env.git(&["config", "--unset", "user.email"]);
    // HOME holds a different person, whom neither git nor coe may use.
    env.write(
        ".gitconfig",
        "[user]\n\tname = Home Person\n\temail = home@example.com\n",
    );
    let configs = tempfile::tempdir().unwrap();
    let global = configs.path().join("global.ini");
    let included = configs.path().join("work.ini");
    std::fs::write(&included, "[user]\n\temail = sam@work.example\n").unwrap();
    std::fs::write(
        &global,
        format!(
            "[user]\n\tname = Sam Lee\n\temail = sam@home.example\n\
             [includeIf \"gitdir:{}/\"]\n\tpath = {}\n\
             [committer]\n\tname = Commit Bot\n",
            env.root.display(),
            included.display()
        ),
    )
    .unwrap();
    let global = global.to_str().unwrap();
    let vars = [("GIT_CONFIG_GLOBAL", global)];
    let author = git_ident(&env, "GIT_AUTHOR_IDENT", &vars);
    assert_eq!(author, "Sam Lee <sam@work.example>");
    let committer = git_ident(&env, "GIT_COMMITTER_IDENT", &vars);
    assert_eq!(committer, "Commit Bot <sam@work.example>");

    let out = env
        .coe(&["approve", ID])
        .env("GIT_CONFIG_GLOBAL", global)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    assert!(env
        .read(&format!("coes/{ID}.yaml"))
        .contains("- by: Sam Lee\n"));
    assert_eq!(env.git(&["log", "-1", "--format=%an <%ae>"]).trim(), author);
    assert_eq!(
        env.git(&["log", "-1", "--format=%cn <%ce>"]).trim(),
        committer
    );

    // GIT_COMMITTER_* win over the configuration, as in git.
    let vars = [
        ("GIT_CONFIG_GLOBAL", global),
        ("GIT_COMMITTER_NAME", "CI Runner"),
        ("GIT_COMMITTER_EMAIL", "ci@example.com"),
    ];
    let committer = git_ident(&env, "GIT_COMMITTER_IDENT", &vars);
    let out = env
        .coe(&["close", ID])
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    assert_eq!(
        env.git(&["log", "-1", "--format=%cn <%ce>"]).trim(),
        committer
    );
    assert_eq!(env.git(&["log", "-1", "--format=%an <%ae>"]).trim(), author);
}

/// `commit.gpgsign` set only in `GIT_CONFIG_GLOBAL`: git would sign (here: refuse, the
/// program does not exist), so coe does not make an unsigned commit.
#[test]
fn signing_asked_for_in_git_config_global_is_honoured() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    let configs = tempfile::tempdir().unwrap();
    let global = configs.path().join("global.ini");
    std::fs::write(
        &global,
        "[user]\n\tname = Sam Lee\n\temail = sam@example.com\n\
         [commit]\n\tgpgsign = true\n[gpg]\n\tprogram = /nonexistent/gpg\n",
    )
    .unwrap();
    let out = env
        .coe(&["init"])
        .env("GIT_CONFIG_GLOBAL", &global)
        .output()
        .unwrap();
    let text = env.transcript(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("/nonexistent/gpg"), "{text}");
    let commits = std::process::Command::new("git")
        .current_dir(&env.root)
        .args(["rev-list", "--all", "--count"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&commits.stdout).trim(),
        "0",
        "{text}"
    );
}
