//! `--timeline FILE`: CSV, TSV, a Slack channel export day file and PagerDuty log entries,
//! clipped to the incident (10 minutes before started, 30 after resolved by default).

use crate::common::{complete_coe, TestEnv};

fn fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/timeline")
        .join(name)
        .display()
        .to_string()
}

/// `coe new --no-input` for the GitLab database incident with `--timeline FILE`; returns
/// the timeline written (`at  event` lines) and stderr.
fn imported(env: &TestEnv, file: &str, resolved: &str) -> (Vec<String>, String) {
    let out = env.run_ok(&[
        "new",
        "--no-input",
        "--title",
        "Database deleted",
        "--started",
        "2017-01-31T23:27:00Z",
        "--resolved",
        resolved,
        "--timeline",
        &fixture(file),
    ]);
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let coe = coe::store::format::parse(&env.read(&format!("coes/{id}.yaml"))).unwrap();
    std::fs::remove_file(env.root.join(format!("coes/{id}.yaml"))).unwrap();
    let lines = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| format!("{}  {}", e.at, e.event))
        .collect();
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn csv_rows_are_placed_in_order_and_clipped() {
    let env = TestEnv::new();
    let (lines, said) = imported(&env, "timeline.csv", "2017-02-01T02:00:00Z");
    assert_eq!(
        lines,
        [
            "2017-01-31T23:27:00Z  Replication lag on db2, climbing",
            "2017-02-01T00:36:00Z  Data directory removed on db2",
            "2017-02-01T02:10:00Z  Site restored from backup",
        ]
    );
    assert!(said.contains("3 timeline entries from"), "{said}");
    assert!(
        said.contains("(CSV); 1 outside the incident window left out:"),
        "{said}"
    );
}

#[test]
fn tsv_rows_are_read_with_their_dates() {
    let env = TestEnv::new();
    let (lines, said) = imported(&env, "timeline.tsv", "2017-02-01T02:00:00Z");
    assert_eq!(
        lines,
        [
            "2017-01-31T23:27:00Z  Replication lag on db2",
            "2017-02-01T00:36:00Z  Data directory removed on db2",
        ]
    );
    assert!(said.contains("(TSV); 1 outside"), "{said}");
}

#[test]
fn slack_messages_name_who_said_them_and_skip_joins() {
    let env = TestEnv::new();
    let (lines, said) = imported(&env, "slack-2017-01-31.json", "2017-02-01T02:00:00Z");
    assert_eq!(
        lines,
        [
            "2017-01-31T23:27:00Z  Jane Doe: Replication lag on db2 is climbing",
            "2017-02-01T00:36:00Z  alex: Removing the data directory on db2 to resync",
            "2017-02-01T02:10:00Z  U061F7AUR: Site back from the 6-hour-old backup",
        ]
    );
    assert!(said.contains("(Slack export); 2 outside"), "{said}");
}

#[test]
fn pagerduty_log_entries_use_their_summary_or_type() {
    let env = TestEnv::new();
    let (lines, said) = imported(&env, "pagerduty-log-entries.json", "2017-02-01T02:30:00Z");
    assert_eq!(
        lines,
        [
            "2017-01-31T23:25:00Z  Triggered through the API",
            "2017-01-31T23:31:00Z  Acknowledged by Jane Doe",
            "2017-02-01T00:40:00Z  annotate",
            "2017-02-01T02:30:00Z  Resolved by Jane Doe",
        ]
    );
    assert!(
        said.contains("(PagerDuty log entries); 1 outside"),
        "{said}"
    );
}

#[test]
fn the_window_is_configurable_and_edit_imports_into_an_existing_coe() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "timeline_margin: {before: 120, after: 0}\n");
    let id = "2017-01-31-database-deleted";
    env.write(
        &format!("coes/{id}.yaml"),
        complete_coe(id, "2017-01-31T23:27:00Z")
            .replace("2017-01-31T10:04:00Z", "2017-01-31T23:40:00Z")
            .replace("2017-01-31T10:41:00Z", "2017-02-01T02:10:00Z")
            .replace("2017-01-31T11:30:00Z", "2017-02-01T02:20:00Z"),
    );
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "add"]);
    env.run_ok(&["edit", id, "--timeline", &fixture("timeline.csv")]);
    let file = env.read(&format!("coes/{id}.yaml"));
    let coe = coe::store::format::parse(&file).unwrap();
    let events: Vec<&str> = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| e.event.as_str())
        .collect();
    assert!(events.contains(&"Cleanup job scheduled"), "{events:?}");
    assert!(events.contains(&"Site restored from backup"), "{events:?}");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]),
        format!("coe: edit {id} (timeline imported from CSV)\n")
    );
}

#[test]
fn a_malformed_record_is_named_and_nothing_is_written() {
    let env = TestEnv::new();
    let cases = [
        ("bad.csv", "time,event\n23:30,ok\nlater,not a time\n", "line 3: `later` is not a time"),
        ("bad.json", "[{\"type\":\"message\",\"text\":\"no ts\"}]", "message 1 has no `ts`"),
        ("bad-pd.json", "{\"log_entries\":[{\"summary\":\"x\",\"created_at\":\"2017-01-31T23:30:00Z\"},{\"summary\":\"y\",\"created_at\":\"yesterday\"}]}", "log entry 2: `created_at` \"yesterday\" is not a time"),
        ("other.json", "{\"incidents\":[]}", "not PagerDuty log entries"),
    ];
    for (name, text, message) in cases {
        let path = env.write(name, text);
        let out = env
            .coe(&[
                "new",
                "--no-input",
                "--title",
                "X",
                "--started",
                "2017-01-31T23:27:00Z",
                "--timeline",
                &path.display().to_string(),
            ])
            .output()
            .unwrap();
        let said = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{said}");
        assert!(said.contains(message), "{name}: {said}");
        assert!(said.contains("nothing was written"), "{said}");
        assert_eq!(
            std::fs::read_dir(env.root.join("coes")).unwrap().count(),
            1,
            "only .gitkeep"
        );
    }
}
