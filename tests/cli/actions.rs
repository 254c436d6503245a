//! `coe actions`: corrective actions across COEs, filters, JSON, and the CI gate.

use crate::common::stdout;
use crate::report::{fixture, JsonAction};

#[test]
fn table_soonest_due_first() {
    let env = fixture();
    let out = env.run_ok(&["actions"]);
    insta::assert_snapshot!(env.transcript(&out));
}

fn keys(env: &crate::common::TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["actions", "--format", "json"];
    all.extend_from_slice(args);
    let out = env.run_ok(&all);
    let rows: Vec<JsonAction> = serde_json::from_slice(&out.stdout).unwrap();
    rows.iter()
        .map(|r| format!("{} {}", &r.coe[11..], r.id))
        .collect()
}

#[test]
fn filters() {
    let env = fixture();
    assert_eq!(
        keys(&env, &["--overdue"]),
        ["search-index-lag CA-1", "dns-outage CA-2"]
    );
    assert_eq!(
        keys(&env, &["--owner", "TEAM-EDGE"]),
        ["dns-outage CA-1", "dns-outage CA-2"]
    );
    assert_eq!(
        keys(&env, &["--status", "done,wontfix"]),
        [
            "checkout-config-push CA-1",
            "checkout-config-push CA-2",
            "dns-outage CA-1"
        ]
    );
    assert_eq!(
        keys(
            &env,
            &["--status", "open", "--owner", "team-platform,team-search"]
        ),
        ["search-index-lag CA-1", "checkout-latency CA-1"]
    );
    assert!(keys(&env, &["--overdue", "--owner", "team-platform"]).is_empty());
}

#[test]
fn json_rows_are_typed() {
    let env = fixture();
    let out = env
        .coe(&["actions", "-f", "json", "--overdue"])
        .output()
        .unwrap();
    let rows: Vec<JsonAction> = serde_json::from_slice(&out.stdout).unwrap();
    let r = &rows[0];
    assert_eq!(r.coe, "2026-10-30-search-index-lag");
    assert_eq!(
        (r.id.as_str(), r.action.as_str(), r.owner.as_str()),
        ("CA-1", "Autoscale the indexer", "team-search")
    );
    assert_eq!(
        (r.due.as_deref(), r.status.as_str(), r.done.as_deref()),
        (Some("2026-11-10"), "open", None)
    );
    assert_eq!((r.days_overdue, r.link.as_deref()), (Some(15), None));
}

#[test]
fn overdue_fail_is_the_ci_gate() {
    let env = fixture();
    let out = env
        .coe(&["actions", "--overdue", "--fail"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", env.transcript(&out));
    insta::assert_snapshot!(env.transcript(&out));
    // Nothing overdue for this owner: success, and a note saying so.
    let out = env.run_ok(&["actions", "--overdue", "--fail", "--owner", "team-platform"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "No corrective actions are overdue.\n"
    );
    // Without --fail, overdue actions are listed with success.
    let out = env.coe(&["actions", "--overdue"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 3);
}

#[test]
fn one_overdue_action_is_singular() {
    let env = fixture();
    let out = env
        .coe(&["actions", "--overdue", "--fail", "--owner", "team-edge"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: 1 corrective action is overdue"),
        "{}",
        env.transcript(&out)
    );
}

#[test]
fn unreadable_file_fails_the_gate_as_a_tool_error() {
    let env = fixture();
    env.write("coes/2026-11-23-broken.yaml", "version: 1\nid: [unclosed\n");
    let out = env
        .coe(&["actions", "--overdue", "--fail"])
        .output()
        .unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("coes/2026-11-23-broken.yaml"), "{text}");
    assert!(text.contains("the list leaves it out"), "{text}");
}

// --- Following actions to done: done, link, sync, export, the owner reminder ---

use crate::common::{complete_coe, TestEnv};

const COE: &str = "2026-11-22-checkout-latency";
const COE_FILE: &str = "coes/2026-11-22-checkout-latency.yaml";

/// A complete COE whose corrective actions carry comments a person added, with `actions`
/// (YAML list items) in place of the single action `complete_coe` writes.
fn coe_with_actions(id: &str, started: &str, actions: &str) -> String {
    let text = complete_coe(id, started);
    let head = &text[..text.find("corrective_actions:\n").unwrap()];
    format!("{head}corrective_actions:\n{actions}")
}

const ACTIONS: &str = "
  # Reviewed with Sam: staging comes first.
  - id: CA-1
    action: Route config pushes through the same staged rollout as code
    kind: prevent
    owner: team-platform   # Priya leads this
    due: \"2026-12-15\"
    status: open
    link: https://github.com/acme/platform/issues/45

  - id: CA-2
    action: Alarm on connection-pool saturation
    kind: detect
    owner: team-sre
    due: \"2026-11-20\"
    status: open   # waiting on the metrics pipeline
    link: '#46'

  - id: CA-3
    action: Write the runbook for draining a region
    kind: process
    owner: team-sre
    due: \"2026-11-15\"
    status: done
    done: \"2026-11-12\"
    link: https://github.com/acme/platform/issues/47

  - id: CA-4
    action: Load test the pool at twice the peak
    kind: mitigate
    owner: team-platform
    due: \"2026-12-20\"
    status: open
    link: https://github.com/acme/platform/issues/48
";

/// A repository with the COE above and a second one, committed.
fn follow_up_env() -> TestEnv {
    let env = TestEnv::new();
    env.write(
        COE_FILE,
        coe_with_actions(COE, "2026-11-22T09:58:00Z", ACTIONS),
    );
    env.write(
        "coes/2026-11-02-dns-outage.yaml",
        coe_with_actions(
            "2026-11-02-dns-outage",
            "2026-11-02T09:58:00Z",
            "  - id: CA-1\n    action: Pin the resolver version\n    kind: prevent\n    owner: team-edge\n    due: \"2026-11-30\"\n    status: open\n    link: https://github.com/acme/platform/issues/50\n",
        ),
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "two COEs"]);
    env
}

/// The `+`/`-` lines of the last commit's diff.
fn changed_lines(env: &TestEnv) -> Vec<String> {
    env.git(&["show", "--format=", "HEAD"])
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .map(String::from)
        .collect()
}

fn last_commit(env: &TestEnv) -> (String, Vec<String>) {
    let message = env.git(&["log", "-1", "--format=%B"]);
    let files = env
        .git(&["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(String::from)
        .collect();
    (message.trim_end().to_string(), files)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn done_changes_exactly_the_status_and_done_lines_and_keeps_comments() {
    let env = follow_up_env();
    let before = env.read(COE_FILE);
    env.run_ok(&["actions", "done", COE, "ca-2", "--date", "2026-11-24"]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open   # waiting on the metrics pipeline",
            "+    status: done   # waiting on the metrics pipeline",
            "+    done: \"2026-11-24\"",
        ]
    );
    let (message, files) = last_commit(&env);
    assert_eq!(
        message,
        "coe: CA-2 of 2026-11-22-checkout-latency done on 2026-11-24"
    );
    assert_eq!(files, [COE_FILE]);
    let after = env.read(COE_FILE);
    assert!(after.contains("# Reviewed with Sam: staging comes first."));
    assert!(after.contains("owner: team-platform   # Priya leads this"));
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    assert_eq!(env.git(&["status", "--porcelain"]), "");
    // Marking it again changes nothing and says so.
    let out = env.run_ok(&["actions", "done", COE, "CA-2", "--date", "2026-11-24"]);
    assert!(
        stderr(&out).contains("already done on 2026-11-24"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn done_defaults_to_today_and_wontfix_records_the_reason() {
    let env = follow_up_env();
    env.run_ok(&["actions", "done", COE, "CA-4"]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open",
            "+    status: done",
            "+    done: \"2026-11-25\""
        ]
    );
    env.run_ok(&[
        "actions",
        "done",
        COE,
        "CA-1",
        "--wontfix",
        "--reason",
        "Superseded by the platform-wide rollout",
    ]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open",
            "+    status: wontfix",
            "+    reason: Superseded by the platform-wide rollout",
        ]
    );
    let (message, _) = last_commit(&env);
    assert_eq!(
        message,
        "coe: CA-1 of 2026-11-22-checkout-latency won't fix"
    );
    // The file is still a valid COE, and shows why.
    let shown = stdout(&env.run_ok(&["show", COE]));
    assert!(
        shown.contains("| wontfix: Superseded by the platform-wide rollout |"),
        "{shown}"
    );
}

#[test]
fn done_refusals_name_the_problem_and_write_nothing() {
    let env = follow_up_env();
    let head = env.git(&["rev-parse", "HEAD"]);
    let out = env.coe(&["actions", "done", COE, "CA-9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: coes/2026-11-22-checkout-latency.yaml has no corrective action `CA-9`\n  hint: its actions are CA-1, CA-2, CA-3, CA-4\n"
    );
    let out = env
        .coe(&["actions", "done", COE, "CA-1", "--date", "2026-12-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is after today"), "{}", stderr(&out));
    let out = env
        .coe(&["actions", "done", COE, "CA-1", "--date", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = env
        .coe(&["actions", "done", COE, "CA-1", "--wontfix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--wontfix needs --reason");
    let out = env
        .coe(&["actions", "done", "2026-11-22-nope", "CA-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(env.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(env.git(&["status", "--porcelain"]), "");
}

#[test]
fn link_adds_one_line() {
    let env = TestEnv::new();
    env.write(COE_FILE, complete_coe(COE, "2026-11-22T09:58:00Z"));
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "a COE"]);
    let out = env.run_ok(&[
        "actions",
        "link",
        COE,
        "CA-1",
        "https://jira.example.com/browse/PLAT-912",
        "--dry-run",
    ]);
    assert!(
        stdout(&out).contains("+    link: https://jira.example.com/browse/PLAT-912\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "",
        "a dry run writes nothing"
    );
    env.run_ok(&[
        "actions",
        "link",
        COE,
        "CA-1",
        "https://jira.example.com/browse/PLAT-912",
    ]);
    assert_eq!(
        changed_lines(&env),
        ["+    link: https://jira.example.com/browse/PLAT-912"]
    );
    let (message, files) = last_commit(&env);
    assert_eq!(
        message,
        "coe: link CA-1 of 2026-11-22-checkout-latency to https://jira.example.com/browse/PLAT-912"
    );
    assert_eq!(files, [COE_FILE]);
    // A key is a link too; it replaces the address in place.
    env.run_ok(&["actions", "link", COE, "CA-1", "PLAT-913"]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    link: https://jira.example.com/browse/PLAT-912",
            "+    link: PLAT-913"
        ]
    );
    let out = env
        .coe(&["actions", "link", COE, "CA-1", "javascript:alert(1)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("neither a web address"),
        "{}",
        stderr(&out)
    );
}

fn fixture_path(name: &str) -> String {
    format!(
        "{}/tests/fixtures/tracker/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn sync_from_a_github_issue_list() {
    let env = follow_up_env();
    let export = fixture_path("github-issues.json");
    let head = env.git(&["rev-parse", "HEAD"]);

    let dry = env.run_ok(&["actions", "sync", &export, "--dry-run"]);
    assert_eq!(env.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "",
        "a dry run writes nothing"
    );
    let diff = stdout(&dry);
    assert!(diff.contains("+    done: \"2026-11-21\"\n"), "{diff}");
    assert!(diff.contains("+    done: \"2026-11-24\"\n"), "{diff}");

    let out = env.run_ok(&["actions", "sync", &export]);
    let (message, files) = last_commit(&env);
    assert_eq!(
        files,
        ["coes/2026-11-02-dns-outage.yaml", COE_FILE],
        "one commit for every changed file"
    );
    assert_eq!(
        message,
        "coe: sync 2 corrective actions from github-issues.json\n\n\
         - CA-1 of 2026-11-02-dns-outage done on 2026-11-24 (#50)\n\
         - CA-1 of 2026-11-22-checkout-latency done on 2026-11-21 (#45)"
    );
    assert_eq!(
        env.git(&["rev-list", "--count", &format!("{}..HEAD", head.trim())]),
        "1\n"
    );
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open",
            "+    status: done",
            "+    done: \"2026-11-24\"",
            "-    status: open",
            "+    status: done",
            "+    done: \"2026-11-21\"",
        ]
    );
    insta::assert_snapshot!(env.transcript(&out));
    // Nothing left to do: a second sync changes nothing and commits nothing.
    env.run_ok(&["actions", "sync", &export]);
    assert_eq!(
        env.git(&["rev-list", "--count", &format!("{}..HEAD", head.trim())]),
        "1\n"
    );
}

#[test]
fn sync_from_a_jira_csv_export_with_configured_done_statuses() {
    let env = TestEnv::new();
    let actions = "
  - id: CA-1
    action: Route config pushes through the staged rollout
    kind: prevent
    owner: team-platform
    due: \"2026-12-15\"
    status: open   # Priya: PR in review
    link: https://acme.atlassian.net/browse/PLAT-912
  - id: CA-2
    action: Alarm on pool saturation
    kind: detect
    owner: team-sre
    due: \"2026-12-01\"
    status: open
    link: PLAT-913
  - id: CA-3
    action: Runbook for draining a region
    kind: process
    owner: team-sre
    due: \"2026-11-20\"
    status: done
    done: \"2026-11-20\"
    link: OPS-77
  - id: CA-4
    action: Remove the global push path
    kind: prevent
    owner: team-platform
    due: \"2026-12-30\"
    status: open
    link: https://acme.atlassian.net/browse/PLAT-999
  - id: CA-5
    action: Load test the pool
    kind: mitigate
    owner: team-platform
    due: \"2026-12-10\"
    status: open
    link: https://acme.atlassian.net/jira/software/projects/PLAT/boards/4?selectedIssue=PLAT-920
";
    env.write(
        COE_FILE,
        coe_with_actions(COE, "2026-11-22T09:58:00Z", actions),
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "a COE"]);
    let export = fixture_path("jira-issues.csv");

    // By default only Done, Closed and Resolved mean done: PLAT-920 (Shipped) stays open.
    let out = env.run_ok(&["actions", "sync", &export]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open   # Priya: PR in review",
            "+    status: done   # Priya: PR in review",
            "+    done: \"2026-11-21\"",
        ]
    );
    insta::assert_snapshot!(env.transcript(&out));

    // A team whose workflow ends in "Shipped" says so in .coe.yaml.
    let config = env.read(".coe.yaml");
    let shipped: String = config
        .lines()
        .map(|l| match l.starts_with("tracker_done_statuses:") {
            true => "tracker_done_statuses: [Done, Shipped]\n".to_string(),
            false => format!("{l}\n"),
        })
        .collect();
    assert_ne!(shipped, config);
    env.write(".coe.yaml", shipped);
    env.git(&["commit", "-qam", "shipped means done"]);
    env.run_ok(&["actions", "sync", &export]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open",
            "+    status: done",
            "+    done: \"2026-11-24\""
        ]
    );
}

#[test]
fn a_malformed_export_exits_2_naming_the_record_and_writes_nothing() {
    let env = follow_up_env();
    let head = env.git(&["rev-parse", "HEAD"]);
    let cases = [
        (
            "issues.json",
            "[{\"number\": 45, \"state\": \"CLOSED\", \"closedAt\": \"2026-11-21T18:02:11Z\", \"url\": \"https://github.com/acme/platform/issues/45\"},\n {\"number\": 50, \"state\": \"CLOSED\", \"closedAt\": \"last week\", \"url\": \"https://github.com/acme/platform/issues/50\"}]\n",
            "error: issues.json: record 2 (#50): closedAt `last week` is not an RFC 3339 time (such as 2026-11-20T10:15:00Z); nothing was changed\n",
        ),
        (
            "jira.csv",
            "Issue key,Status,Resolved\nPLAT-912,Done,21/Nov/26 6:02 PM\nPLAT-913,Done,\n",
            "error: jira.csv: line 3 (PLAT-913): status `Done` means done but `Resolved` is empty, so the day it was done is unknown; nothing was changed\n",
        ),
        (
            "export.txt",
            "PLAT-912 done\n",
            "error: export.txt: not a tracker export coe knows: expected a JSON array from `gh issue list --state all --json number,state,closedAt,url`, or a Jira CSV export with the columns `Issue key`, `Status` and `Resolved`; nothing was changed\n",
        ),
    ];
    let out = env.coe(&["actions", "sync", "nope.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: cannot read the export nope.json: "),
        "{}",
        stderr(&out)
    );
    for (name, text, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = env
            .coe(&["actions", "sync", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(
            stderr(&out).replace(&format!("{}/", dir.path().display()), ""),
            expected
        );
        assert_eq!(env.git(&["rev-parse", "HEAD"]), head);
        assert_eq!(env.git(&["status", "--porcelain"]), "");
    }
}

/// Open actions with hostile text: quotes, command substitution, backticks, newlines.
const HOSTILE: &str = "
  - id: CA-1
    action: \"Fix the \\\"retry\\\" storm; don't `touch pwned` or $(touch pwned)\"
    kind: prevent
    owner: team-platform
    due: \"2026-12-15\"
    status: open
  - id: CA-2
    action: |
      Two lines: first $HOME
      then `id` and 'quotes' \\ and a backslash
    kind: detect
    owner: team-sre
    due: \"2026-12-01\"
    status: open
  - id: CA-3
    action: --help
    kind: process
    owner: team-sre
    due: \"2026-12-01\"
    status: open
  - id: CA-4
    action: Already tracked
    kind: process
    owner: team-sre
    due: \"2026-12-01\"
    status: open
    link: PLAT-1
  - id: CA-5
    action: Finished
    kind: process
    owner: team-sre
    due: \"2026-11-01\"
    status: done
    done: \"2026-11-01\"
";

#[test]
fn export_gh_lines_pass_bash_n_and_keep_hostile_titles_as_typed() {
    let env = TestEnv::new();
    env.write(
        COE_FILE,
        coe_with_actions(COE, "2026-11-22T09:58:00Z", HOSTILE),
    );
    env.git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:acme/postmortems.git",
    ]);
    let out = env.run_ok(&["actions", "export", "--format", "gh"]);
    let script = stdout(&out);
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per open action without a link:\n{script}"
    );
    assert!(lines.iter().all(|l| l.starts_with("gh issue create ")));

    // The script parses.
    let dir = tempfile::tempdir().unwrap();
    let script_path = dir.path().join("issues.sh");
    std::fs::write(&script_path, &script).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script_path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // Run with a fake `gh` on PATH that prints each argument between markers.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let gh = bin.join("gh");
    std::fs::write(
        &gh,
        "#!/bin/sh\nfor a in \"$@\"; do printf '<%s>\\n' \"$a\"; done\nprintf '=\\n'\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let canary = dir.path().join("pwned");
    let run = std::process::Command::new("bash")
        .arg(&script_path)
        .current_dir(dir.path())
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!canary.exists());
    let argv = String::from_utf8_lossy(&run.stdout).into_owned();
    let calls: Vec<Vec<&str>> = argv
        .split("=\n")
        .filter(|c| !c.is_empty())
        .map(|c| c.lines().collect())
        .collect();
    assert_eq!(calls.len(), 3);
    let url = "https://github.com/acme/postmortems/blob/HEAD/coes/2026-11-22-checkout-latency.yaml";
    assert_eq!(
        calls[0],
        [
            "<issue>",
            "<create>",
            "<--title=Fix the \"retry\" storm; don't `touch pwned` or $(touch pwned)>",
            &format!("<--body=Corrective action CA-1 of the COE 2026-11-22-checkout-latency (Checkout latency spike after config push). Owner: team-platform. Kind: prevent. Due: 2026-12-15. COE: {url}>"),
            "<--label=coe>",
        ]
    );
    assert_eq!(
        calls[1][2],
        "<--title=Two lines: first $HOME then `id` and 'quotes' \\ and a backslash>"
    );
    assert_eq!(calls[2][2], "<--title=--help>");
}

#[test]
fn export_csv_and_json() {
    let env = TestEnv::new();
    env.write(
        COE_FILE,
        coe_with_actions(COE, "2026-11-22T09:58:00Z", HOSTILE),
    );
    let out = env.run_ok(&["actions", "export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "Summary",
            "Description",
            "Due date",
            "Labels",
            "Owner",
            "COE",
            "Action id"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        &rows[0][0],
        "Fix the \"retry\" storm; don't `touch pwned` or $(touch pwned)"
    );
    assert!(rows[0][1].contains("COE file: coes/2026-11-22-checkout-latency.yaml"));
    assert_eq!(
        (&rows[0][2], &rows[0][3], &rows[0][6]),
        ("2026-12-15", "coe", "CA-1")
    );

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Exported {
        coe: String,
        id: String,
        title: String,
        body: String,
        owner: String,
        kind: Option<String>,
        due: Option<String>,
        coe_url: Option<String>,
    }
    let out = env.run_ok(&["actions", "export", "--format", "json"]);
    let rows: Vec<Exported> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["CA-1", "CA-2", "CA-3"]);
    assert_eq!(rows[1].kind.as_deref(), Some("detect"));
}

#[test]
fn owner_reminder_in_markdown() {
    let env = fixture();
    env.git(&[
        "remote",
        "add",
        "origin",
        "https://github.com/acme/postmortems.git",
    ]);
    let out = env.run_ok(&["actions", "--by-owner", "--format", "markdown"]);
    insta::assert_snapshot!(stdout(&out));
    // One owner's reminder.
    let out = env.run_ok(&[
        "actions",
        "--by-owner",
        "--format",
        "markdown",
        "--owner",
        "team-edge",
    ]);
    let text = stdout(&out);
    assert!(text.contains("## team-edge: 1 action, 1 overdue"), "{text}");
    assert!(!text.contains("team-platform"), "{text}");
}

#[test]
fn by_owner_groups_in_every_format() {
    let env = fixture();
    let out = env.run_ok(&["actions", "--by-owner"]);
    insta::assert_snapshot!(env.transcript(&out));
    #[derive(serde::Deserialize)]
    struct Owner {
        owner: String,
        overdue: usize,
        actions: Vec<JsonAction>,
    }
    let out = env.run_ok(&["actions", "--by-owner", "--format", "json"]);
    let owners: Vec<Owner> = serde_json::from_slice(&out.stdout).unwrap();
    let summary: Vec<(String, usize, usize)> = owners
        .iter()
        .map(|o| (o.owner.clone(), o.actions.len(), o.overdue))
        .collect();
    insta::assert_debug_snapshot!(summary);
    assert!(owners
        .iter()
        .flat_map(|o| &o.actions)
        .all(|a| a.status == "open"));
}

#[test]
fn done_says_when_it_commits_edits_that_were_not_committed() {
    let env = follow_up_env();
    let text = env.read(COE_FILE);
    env.write(
        COE_FILE,
        text.replace(
            "Alarm on connection-pool saturation",
            "Alarm on pool saturation per region",
        ),
    );
    let out = env.run_ok(&["actions", "done", COE, "CA-2", "--date", "2026-11-24"]);
    assert!(
        stderr(&out).contains(
            "had edits that were not committed (corrective_actions[1].action); this commit \
             includes them"
        ),
        "{}",
        stderr(&out)
    );
    let (message, _) = last_commit(&env);
    assert!(
        message.ends_with(
            "Also commits edits of the file that were not committed before: \
             corrective_actions[1].action."
        ),
        "{message}"
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "");
}

#[test]
fn sync_says_which_files_had_edits_that_were_not_committed() {
    let env = follow_up_env();
    let text = env.read(COE_FILE);
    env.write(
        COE_FILE,
        text.replace("Load test the pool", "Load test the pool (p99)"),
    );
    let out = env.run_ok(&["actions", "sync", &fixture_path("github-issues.json")]);
    let err = stderr(&out);
    assert!(
        err.contains("coes/2026-11-22-checkout-latency.yaml had edits that were not committed"),
        "{err}"
    );
    assert!(!err.contains("dns-outage.yaml had edits"), "{err}");
    let (message, _) = last_commit(&env);
    assert!(
        message.ends_with(
            "Also commits edits of coes/2026-11-22-checkout-latency.yaml that were not committed before."
        ),
        "{message}"
    );
}

#[test]
fn sync_marks_abandoned_issues_wontfix_never_done() {
    // Jira's own CSV export (BOM, CRLF): OPS-97 `Closed` + `Won't Do`, OPS-102 `Done` +
    // `Duplicate`, OPS-101 `Done` + `Done`.
    let env = TestEnv::new();
    let actions = "
  - id: CA-1
    action: Add retries to the legacy batch job
    kind: prevent
    owner: team-platform
    due: \"2026-12-15\"
    status: open
    link: OPS-97
  - id: CA-2
    action: Merge the support report
    kind: process
    owner: team-sre
    due: \"2026-12-01\"
    status: open
    link: https://acme.atlassian.net/browse/OPS-102
  - id: CA-3
    action: Roll back the pool size
    kind: mitigate
    owner: team-sre
    due: \"2026-12-01\"
    status: open
    link: OPS-101
";
    env.write(
        COE_FILE,
        coe_with_actions(COE, "2026-11-22T09:58:00Z", actions),
    );
    env.git(&["add", "-A"]);
    env.git(&["commit", "-qm", "a COE"]);
    env.run_ok(&["actions", "sync", &fixture_path("jira-en-bom-crlf.csv")]);
    assert_eq!(
        changed_lines(&env),
        [
            "-    status: open",
            "+    status: wontfix",
            "+    reason: OPS-97 resolved as Won't Do in Jira",
            "-    status: open",
            "+    status: wontfix",
            "+    reason: OPS-102 resolved as Duplicate in Jira",
            "-    status: open",
            "+    status: done",
            "+    done: \"2026-11-22\"",
        ]
    );
}

#[test]
fn backfill_from_git_dates_each_done_action_by_the_commit_that_set_it_done() {
    let env = follow_up_env();
    let dns = "coes/2026-11-02-dns-outage.yaml";
    // Marked done by hand, without a date, in a commit late on the 24th in New York (the
    // 25th in UTC): the day is the commit's own.
    env.write(
        dns,
        env.read(dns)
            .replace("    status: open\n", "    status: done\n"),
    );
    env.git(&["add", "-A"]);
    let out = std::process::Command::new("git")
        .current_dir(&env.root)
        .args(["commit", "-qm", "dns action done"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-11-24T23:30:00-05:00")
        .env("GIT_COMMITTER_DATE", "2026-11-24T23:30:00-05:00")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // CA-4 of the other COE is set done but not committed: git cannot date it.
    env.write(
        COE_FILE,
        env.read(COE_FILE).replace(
            "    status: open\n    link: https://github.com/acme/platform/issues/48",
            "    status: done\n    link: https://github.com/acme/platform/issues/48",
        ),
    );

    let dry = env.run_ok(&["actions", "done", "--backfill-from-git", "--dry-run"]);
    assert!(
        stdout(&dry).contains("+    done: \"2026-11-24\""),
        "{}",
        stdout(&dry)
    );
    assert!(
        env.read(dns).contains("status: done\n    link"),
        "dry run wrote"
    );

    let out = env.run_ok(&["actions", "done", "--backfill-from-git"]);
    let err = stderr(&out);
    assert!(
        err.contains("no commit sets 2026-11-22-checkout-latency CA-4 to done"),
        "{err}"
    );
    assert!(
        err.contains("1 corrective action got a `done:` date"),
        "{err}"
    );
    assert_eq!(changed_lines(&env), ["+    done: \"2026-11-24\""]);
    let (message, files) = last_commit(&env);
    assert_eq!(
        message,
        "coe: done dates of 1 corrective action from git history"
    );
    assert_eq!(files, [dns]);
    // Nothing left that git can date: a second run changes nothing.
    let before = env.git(&["rev-parse", "HEAD"]);
    env.run_ok(&["actions", "done", "--backfill-from-git"]);
    assert_eq!(env.git(&["rev-parse", "HEAD"]), before);
}
