//! `--repo` and `repos:`: COEs read from HEAD of other repositories, here bare mirrors made
//! by `git clone --bare` of real repositories.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{complete_coe, stdout, TestEnv};

/// A team's repository with these COEs (id, started, severity, customers affected)
/// committed in `dir`.
fn team(dir: &str, coes: &[(&str, &str, &str, u64)]) -> TestEnv {
    let env = TestEnv::new();
    if dir != "coes" {
        env.write(".coe.yaml", format!("dir: {dir}\n"));
    }
    for &(id, started, severity, customers) in coes {
        let text = complete_coe(id, started)
            .replace("severity: SEV2", &format!("severity: {severity}"))
            .replace(
                "customers_affected: 12000",
                &format!("customers_affected: {customers}"),
            );
        env.write(&format!("{dir}/{id}.yaml"), text);
    }
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "COEs"]);
    env
}

/// A bare mirror of `env`'s repository at `dest`.
fn mirror(env: &TestEnv, dest: &Path) -> String {
    env.git(&["clone", "-q", "--bare", ".", &dest.display().to_string()]);
    dest.display().to_string()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The JSON objects of `rows`, with the id field `key` qualified as `name:id`, in a stable
/// order.
fn qualified(rows: &Value, key: &str, name: &str) -> Vec<String> {
    qualified_all(rows, &[key], name)
}

fn sorted(rows: &Value) -> Vec<String> {
    let mut out: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    out.sort();
    out
}

struct Teams {
    a: TestEnv,
    b: TestEnv,
    _mirrors: tempfile::TempDir,
    a_mirror: String,
    b_mirror: String,
}

/// Two teams (B keeps its COEs in `postmortems/`, set by its committed `.coe.yaml`), each
/// with a bare mirror.
fn two_teams() -> Teams {
    let a = team(
        "coes",
        &[
            (
                "2026-11-20-checkout-latency",
                "2026-11-20T09:58:00Z",
                "SEV2",
                1200,
            ),
            (
                "2026-10-02-search-down",
                "2026-10-02T09:58:00Z",
                "SEV1",
                50000,
            ),
        ],
    );
    let b = team(
        "postmortems",
        &[
            (
                "2026-11-21-login-errors",
                "2026-11-21T09:58:00Z",
                "SEV3",
                300,
            ),
            (
                "2026-11-20-checkout-latency",
                "2026-11-20T09:58:00Z",
                "SEV2",
                7,
            ),
        ],
    );
    let mirrors = tempfile::tempdir().unwrap();
    let a_mirror = mirror(&a, &mirrors.path().join("team-a.git"));
    let b_mirror = mirror(&b, &mirrors.path().join("team-b.git"));
    Teams {
        a,
        b,
        _mirrors: mirrors,
        a_mirror,
        b_mirror,
    }
}

#[test]
fn a_report_over_two_bare_repositories_is_the_concatenation_of_their_own() {
    let t = two_teams();
    let window = ["--format", "json", "--since", "2026-01-01"];
    let own_a = json(&t.a.run_ok(&[&["report"][..], &window].concat()));
    let own_b = json(&t.b.run_ok(&[&["report"][..], &window].concat()));
    // The director's directory is no repository: the default configuration applies, as it
    // does in both teams'.
    let director = TestEnv::empty();
    let both = json(
        &director.run_ok(
            &[
                &["report"][..],
                &window,
                &["--repo", &t.a_mirror, "--repo", &t.b_mirror],
            ]
            .concat(),
        ),
    );

    let mut incidents = qualified(&own_a["incidents"], "id", "team-a");
    incidents.extend(qualified(&own_b["incidents"], "id", "team-b"));
    incidents.sort();
    assert_eq!(sorted(&both["incidents"]), incidents);
    assert_eq!(
        incidents.len(),
        4,
        "the same id in two repositories is two incidents"
    );
    for list in ["due", "done", "overdue"] {
        let mut rows = qualified(&own_a["actions"][list], "coe", "team-a");
        rows.extend(qualified(&own_b["actions"][list], "coe", "team-b"));
        rows.sort();
        assert_eq!(sorted(&both["actions"][list]), rows, "actions.{list}");
    }
    for figure in ["incidents", "customers_affected", "incomplete", "overdue"] {
        let sum =
            own_a["summary"][figure].as_u64().unwrap() + own_b["summary"][figure].as_u64().unwrap();
        assert_eq!(
            both["summary"][figure].as_u64(),
            Some(sum),
            "summary.{figure}"
        );
    }
    assert_eq!(
        both["summary"]["customers_affected"],
        1200 + 50000 + 300 + 7
    );
    let severity = |report: &Value, name: &str| {
        report["summary"]["by_severity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["severity"] == name)
            .map_or(0, |s| s["incidents"].as_u64().unwrap())
    };
    for name in ["SEV1", "SEV2", "SEV3", "SEV4"] {
        assert_eq!(
            severity(&both, name),
            severity(&own_a, name) + severity(&own_b, name),
            "{name}"
        );
    }
    assert_eq!(both["unreadable"], Value::Array(vec![]));

    // The Markdown report names each row's repository.
    let markdown = stdout(&director.run_ok(&[
        "report",
        "--since",
        "2026-01-01",
        "--repo",
        &t.a_mirror,
        "--repo",
        &t.b_mirror,
    ]));
    assert!(
        markdown.contains("team-a:2026-11-20-checkout-latency"),
        "{markdown}"
    );
    assert!(
        markdown.contains("team-b:2026-11-20-checkout-latency"),
        "{markdown}"
    );
}

#[test]
fn list_and_actions_over_repositories_are_the_concatenation_of_their_own() {
    let t = two_teams();
    let director = TestEnv::empty();
    let repos = ["--repo", &t.a_mirror, "--repo", &t.b_mirror];
    for (command, keys) in [("list", &["id", "file"][..]), ("actions", &["coe"][..])] {
        let own_a = json(&t.a.run_ok(&[command, "--format", "json"]));
        let own_b = json(&t.b.run_ok(&[command, "--format", "json"]));
        let both = json(&director.run_ok(&[&[command, "--format", "json"][..], &repos].concat()));
        // Each row names its repository: the id qualified, the file as `NAME:PATH`.
        let mut expected = qualified_all(&own_a, keys, "team-a");
        expected.extend(qualified_all(&own_b, keys, "team-b"));
        expected.sort();
        assert_eq!(sorted(&both), expected, "{command}");
    }
    let table = stdout(&director.run_ok(&[&["list"][..], &repos].concat()));
    assert!(table.contains("team-b:2026-11-21-login-errors"), "{table}");
}

fn qualified_all(rows: &Value, keys: &[&str], name: &str) -> Vec<String> {
    let mut rows = rows.clone();
    for row in rows.as_array_mut().unwrap() {
        for key in keys {
            let value = row[*key].as_str().unwrap().to_string();
            row[*key] = Value::String(format!("{name}:{value}"));
        }
    }
    sorted(&rows)
}

#[test]
fn head_is_read_not_the_work_tree_and_repos_come_from_the_configuration() {
    let t = two_teams();
    // An uncommitted edit in team A's work tree is not on HEAD.
    let file = "coes/2026-11-20-checkout-latency.yaml";
    let edited = t.a.read(file).replace(
        "title: Checkout latency spike after config push",
        "title: Edited but not committed",
    );
    t.a.write(file, edited);
    let director = TestEnv::new();
    director.write(
        ".coe.yaml",
        format!(
            "repos:\n  - a={}\n  - b={}\n",
            t.a.root.display(),
            t.b_mirror
        ),
    );
    let out = stdout(&director.run_ok(&["list"]));
    assert!(!out.contains("Edited but not committed"), "{out}");
    assert!(out.contains("\na:2026-11-20-checkout-latency"), "{out}");
    assert!(out.contains("\nb:2026-11-21-login-errors"), "{out}");
    // --repo replaces `repos:`.
    let out = stdout(&director.run_ok(&["list", "--repo", &t.b_mirror]));
    assert!(!out.contains("\na:"), "{out}");
    assert!(out.contains("team-b:2026-11-21-login-errors"), "{out}");
}

#[test]
fn an_unreadable_repository_is_named_and_the_others_are_still_read() {
    let t = two_teams();
    let director = TestEnv::empty();
    let missing = director.root.join("no-such-mirror.git");
    let not_git = director.root.join("plain");
    std::fs::create_dir_all(&not_git).unwrap();
    for bad in [&missing, &not_git] {
        let out = director
            .coe(&[
                "list",
                "--repo",
                &t.a_mirror,
                "--repo",
                &bad.display().to_string(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", director.transcript(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = bad.file_name().unwrap().to_string_lossy();
        let name = name.trim_end_matches(".git");
        assert!(
            stderr.contains(&format!("cannot read repository {name}")),
            "{stderr}"
        );
        assert!(
            stderr.contains("1 repository could not be read"),
            "{stderr}"
        );
        assert!(stdout(&out).contains("team-a:2026-11-20-checkout-latency"));
    }
}

#[test]
fn two_repositories_with_one_name_must_be_named_apart() {
    let t = two_teams();
    let director = TestEnv::empty();
    let other: PathBuf = t.b.root.join("x").join("team-a.git");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    mirror(&t.b, &other);
    let out = director
        .coe(&[
            "list",
            "--repo",
            &t.a_mirror,
            "--repo",
            &other.display().to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("two repositories are named `team-a`"));
    let out = director.run_ok(&[
        "list",
        "--repo",
        &t.a_mirror,
        "--repo",
        &format!("other={}", other.display()),
    ]);
    assert!(stdout(&out).contains("other:2026-11-21-login-errors"));
}
