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
