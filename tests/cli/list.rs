//! `coe list`: the table, its filters, JSON.

use serde::Deserialize;

use crate::common::{stdout, TestEnv};
use crate::report::fixture;

#[test]
fn table_newest_first() {
    let env = fixture();
    let out = env.run_ok(&["list"]);
    insta::assert_snapshot!(env.transcript(&out));
}

fn ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    let out = env.run_ok(&all);
    stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn filters_combine() {
    let env = fixture();
    assert_eq!(
        ids(&env, &["--status", "draft"]),
        [
            "2026-11-24-payments-timeouts",
            "2026-10-30-search-index-lag"
        ]
    );
    assert_eq!(
        ids(
            &env,
            &["--status", "closed,review", "--since", "2026-11-01"]
        ),
        ["2026-11-22-checkout-latency", "2026-11-20-dns-outage"]
    );
    assert_eq!(
        ids(&env, &["--service", "CHECKOUT"]),
        [
            "2026-11-22-checkout-latency",
            "2026-11-20-dns-outage",
            "2026-09-28-checkout-config-push"
        ]
    );
    assert_eq!(
        ids(&env, &["--service", "search", "--service", "edge"]),
        ["2026-11-20-dns-outage", "2026-10-30-search-index-lag"]
    );
    assert_eq!(
        ids(&env, &["--severity", "SEV3"]),
        [
            "2026-11-24-payments-timeouts",
            "2026-10-30-search-index-lag"
        ]
    );
    assert_eq!(
        ids(&env, &["--incomplete", "--since", "2026-11-01"]),
        ["2026-11-24-payments-timeouts"]
    );
}

#[test]
fn nothing_to_list_says_so_on_stderr() {
    let env = fixture();
    let out = env.coe(&["list", "--severity", "SEV4"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "No COEs match (of 5 COEs).\n"
    );
    let empty = TestEnv::new();
    let out = empty.coe(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No COEs yet"));
}

#[test]
fn unknown_severity_or_status_is_a_usage_error() {
    let env = fixture();
    let out = env.coe(&["list", "--severity", "SEV9"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "unknown severity `SEV9`; the configured severities are SEV1, SEV2, SEV3, SEV4"
        ),
        "{text}"
    );
    let out = env.coe(&["list", "--status", "done"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[possible values: draft, review, closed]")
    );
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    id: String,
    title: String,
    severity: String,
    status: String,
    started: String,
    complete: bool,
    answered: usize,
    services: Vec<String>,
    file: String,
}

#[test]
fn json_decodes_into_typed_rows() {
    let env = fixture();
    let out = env.run_ok(&["list", "--format", "json", "--since", "2026-11-21"]);
    let rows: Vec<Row> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    assert_eq!(r.id, "2026-11-24-payments-timeouts");
    assert_eq!(r.title, "Payment timeouts at the bank gateway");
    assert_eq!((r.severity.as_str(), r.status.as_str()), ("SEV3", "draft"));
    assert_eq!(r.started, "2026-11-24T16:30:00Z");
    assert_eq!((r.complete, r.answered), (false, 4));
    assert_eq!(r.services, ["payments"]);
    assert_eq!(r.file, "coes/2026-11-24-payments-timeouts.yaml");
    assert!(rows[1].complete && rows[1].answered == 7);
    // An empty result is an empty array, not nothing.
    let out = env
        .coe(&["list", "-f", "json", "--severity", "SEV4"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "[]\n");
}

#[test]
fn unreadable_file_is_named_and_the_rest_listed() {
    let env = fixture();
    env.write("coes/2026-11-23-broken.yaml", "version: 1\nid: [unclosed\n");
    let out = env.coe(&["list"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("warning: cannot read coes/2026-11-23-broken.yaml"),
        "{text}"
    );
    assert!(
        text.contains("error: 1 COE file could not be read; the list leaves it out"),
        "{text}"
    );
    assert_eq!(
        stdout(&out).lines().count(),
        6,
        "header and five COEs: {text}"
    );
}

#[test]
fn only_unreadable_files_are_not_called_no_coes_yet() {
    let env = TestEnv::new();
    env.write("coes/2026-11-23-broken.yaml", "version: 1\nid: [unclosed\n");
    let out = env.coe(&["list"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(!text.contains("No COEs yet"), "{text}");
    assert!(text.contains("1 COE file could not be read"), "{text}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let env = TestEnv::new();
    let yaml = crate::common::complete_coe("2026-11-22-checkout-latency", "2026-11-22T09:58:00Z")
        .replace(
            "title: Checkout latency spike after config push",
            "title: \"Evil \\e[31mred\\e[0m \\u202Eetil\"",
        );
    env.write("coes/2026-11-22-checkout-latency.yaml", yaml);
    let out = env.run_ok(&["list", "--color", "always"]);
    let text = stdout(&out);
    assert!(text.contains("Evil [31mred[0m etil"), "{text:?}");
    assert!(!text.contains('\u{202E}'));
    assert!(!text.contains("\x1b[31mred"), "{text:?}");
}
