//! `coe check --incidents` on the exports incident systems really produce
//! (tests/fixtures/incidents/): for each source, the gate fails for exactly the incidents
//! that lack a complete COE and passes once they have one; malformed exports exit 2 naming
//! the record; shapes are recognised or named with `--incidents-format`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::common::{complete_coe, TestEnv};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/incidents")
            .join(name),
    )
    .unwrap()
}

#[derive(Debug, Deserialize)]
struct JsonFinding {
    file: String,
    rule: String,
    severity: String,
    message: String,
    line: Option<usize>,
}

/// A repository under the fixtures' policy with these COEs: (id, started, incident_ref,
/// complete).
fn repo(coes: &[(&str, &str, &str, bool)]) -> TestEnv {
    let env = TestEnv::new();
    env.write(".coe.yaml", fixture("coe.yaml"));
    for coe in coes {
        add_coe(&env, *coe);
    }
    env
}

fn add_coe(env: &TestEnv, (id, started, incident_ref, complete): (&str, &str, &str, bool)) {
    let mut text = complete_coe(id, started).replace(
        "incident_ref: PD-48213",
        &format!("incident_ref: \"{incident_ref}\""),
    );
    if !complete {
        text = text.replace(
            "lessons:\n  - Global config pushes skip the canary stage.\n",
            "lessons: []\n",
        );
    }
    env.write(&format!("coes/{id}.yaml"), text);
}

/// `coe check --incidents FILE --format json`: the exit code and the findings.
fn gate(env: &TestEnv, file: &str) -> (i32, Vec<JsonFinding>) {
    let out = env
        .coe(&["check", "--incidents", file, "--format", "json"])
        .output()
        .unwrap();
    let findings: Vec<JsonFinding> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", env.transcript(&out)));
    (out.status.code().unwrap(), findings)
}

/// The incident references of the `missing-coe` findings of one severity.
fn incidents(findings: &[JsonFinding], severity: &str) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f.rule == "missing-coe" && f.severity == severity)
        .map(|f| f.message.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The whole story of one source: the errors are exactly the incidents without a complete
/// COE, open incidents within their deadline are notes, skipped ones are silent, a COE of
/// an unlisted incident is a note; adding the missing COEs makes the gate pass.
fn round_trip(
    file: &str,
    covered: &[(&str, &str, &str, bool)],
    failing: &[&str],
    due_soon: &[&str],
    fixes: &[(&str, &str, &str, bool)],
) -> String {
    let env = repo(covered);
    add_coe(
        &env,
        (
            "2026-11-20-stale-ref",
            "2026-11-20T09:00:00Z",
            "999999",
            true,
        ),
    );
    env.write(file, fixture(file));
    let (code, findings) = gate(&env, file);
    assert_eq!(code, 1, "{findings:#?}");
    assert_eq!(incidents(&findings, "error"), set(failing), "{findings:#?}");
    assert_eq!(incidents(&findings, "note"), set(due_soon), "{findings:#?}");
    let unlisted: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "unlisted-incident")
        .map(|f| f.file.as_str())
        .collect();
    assert_eq!(unlisted, ["coes/2026-11-20-stale-ref.yaml"]);
    assert!(findings
        .iter()
        .filter(|f| f.rule == "missing-coe")
        .all(|f| f.file == file && f.line.is_some()));

    let out = env
        .coe(&["check", "--incidents", file, "-v"])
        .output()
        .unwrap();
    let transcript = env.transcript(&out);

    for fix in fixes {
        add_coe(&env, *fix);
    }
    let (code, findings) = gate(&env, file);
    assert_eq!(code, 0, "{findings:#?}");
    assert_eq!(incidents(&findings, "error"), set(&[]));
    transcript
}

#[test]
fn pagerduty() {
    let text = round_trip(
        "pagerduty.json",
        &[
            ("2026-11-02-checkout", "2026-11-02T09:00:00Z", "#4211", true),
            ("2026-11-07-search", "2026-11-07T09:00:00Z", "PT9QZ7M", true),
        ],
        &["#4215"],
        &["#4230"],
        &[(
            "2026-11-05-webhooks",
            "2026-11-05T09:00:00Z",
            "PD-4215",
            true,
        )],
    );
    insta::assert_snapshot!(text);
}

#[test]
fn incident_io() {
    let text = round_trip(
        "incident-io.json",
        &[
            (
                "2026-11-02-checkout",
                "2026-11-02T09:00:00Z",
                "INC-101",
                true,
            ),
            (
                "2026-11-07-search",
                "2026-11-07T09:00:00Z",
                "inc-108",
                false,
            ),
        ],
        &["INC-102", "INC-108"],
        &["INC-103"],
        &[
            (
                "2026-11-05-webhooks",
                "2026-11-05T09:00:00Z",
                "INC-102",
                true,
            ),
            ("2026-11-07-search", "2026-11-07T09:00:00Z", "inc-108", true),
        ],
    );
    insta::assert_snapshot!(text);
}

#[test]
fn github_issues() {
    let text = round_trip(
        "github-issues.json",
        &[(
            "2026-11-02-checkout",
            "2026-11-02T09:00:00Z",
            "https://github.com/acme/ops/issues/45",
            true,
        )],
        &["#51", "#49"],
        &["#58"],
        &[
            ("2026-11-05-webhooks", "2026-11-05T09:00:00Z", "#51", true),
            ("2026-11-04-status-page", "2026-11-04T09:00:00Z", "49", true),
        ],
    );
    assert!(
        text.contains("warning[incident-severity]: incident #49's severity (incident)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn jira() {
    let text = round_trip(
        "jira.csv",
        &[(
            "2026-11-02-checkout",
            "2026-11-02T09:00:00Z",
            "ops-12",
            true,
        )],
        &["OPS-15"],
        &["OPS-19"],
        &[(
            "2026-11-05-webhooks",
            "2026-11-05T09:00:00Z",
            "OPS-15",
            true,
        )],
    );
    insta::assert_snapshot!(text);
}

#[test]
fn malformed_exports_exit_2_naming_the_record() {
    let env = repo(&[]);
    let pd = fixture("pagerduty.json").replacen(
        "\"created_at\": \"2026-11-05T21:14:09Z\"",
        "\"created_at\": \"last Tuesday\"",
        1,
    );
    env.write("pd.json", pd);
    let iio = fixture("incident-io.json").replacen("\"reference\": \"INC-103\",", "", 1);
    env.write("iio.json", iio);
    let gh = fixture("github-issues.json").replacen("\"number\": 51", "\"number\": \"51\"", 1);
    env.write("gh.json", gh);
    let jira = fixture("jira.csv").replacen(",OPS-15,", ",,", 1);
    env.write("jira.csv", jira);
    env.write(
        "short.csv",
        "Summary,Issue key,Priority,Created\nx,OPS-1,High\n",
    );
    env.write(
        "unknown.json",
        "{\"data\": [{\"key\": \"OPS-1\"}], \"total\": 1}\n",
    );
    env.write(
        "objects.json",
        "[{\"key\": \"OPS-1\", \"priority\": \"High\"}]\n",
    );
    env.write("truncated.json", fixture("pagerduty.json").split_at(900).0);
    env.write("not-json.json", "PD-1\nPD-2\n");
    let mut transcript = String::new();
    for (file, format) in [
        ("pd.json", None),
        ("iio.json", None),
        ("gh.json", None),
        ("jira.csv", None),
        ("short.csv", None),
        ("unknown.json", None),
        ("objects.json", None),
        ("truncated.json", None),
        ("not-json.json", None),
        ("pd.json", Some("incident-io")),
        ("jira.csv", Some("json")),
    ] {
        let mut args = vec!["check", "--incidents", file];
        if let Some(format) = format {
            args.extend(["--incidents-format", format]);
        }
        let out = env.coe(&args).output().unwrap();
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(
            out.stdout.is_empty(),
            "nothing half-checked on stdout: {text}"
        );
        transcript.push_str(&format!("$ coe {}\n{text}\n", args.join(" ")));
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn a_named_format_overrides_recognition() {
    let env = repo(&[]);
    // A list whose first line happens to look like a header is still a list.
    env.write("refs.txt", "id\nPD-1\n");
    let out = env
        .coe(&[
            "check",
            "--incidents",
            "refs.txt",
            "--incidents-format",
            "lines",
        ])
        .output()
        .unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("refs.txt:1: error[missing-coe]: incident id has no COE"),
        "{text}"
    );
    assert!(
        text.contains("refs.txt:2: error[missing-coe]: incident PD-1 has no COE"),
        "{text}"
    );
}
