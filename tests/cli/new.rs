use crate::common::{complete_coe, TestEnv};

const DRAFT: &[&str] = &[
    "new",
    "--no-input",
    "--title",
    "DB failover: writes lost?",
    "--severity",
    "SEV1",
    "--started",
    "2026-11-20T03:15:00Z",
];

#[test]
fn no_input_writes_a_draft_skeleton_and_commits_it_alone() {
    let env = TestEnv::new();
    env.write("staged.txt", "the user's staged work");
    env.git(&["add", "staged.txt"]);
    env.write("unstaged.txt", "the user's unstaged work");
    let out = env.coe(DRAFT).output().unwrap();
    insta::assert_snapshot!("new_no_input", env.transcript(&out));
    insta::assert_snapshot!(
        "new_no_input_yaml",
        env.read("coes/2026-11-20-db-failover-writes-lost.yaml")
    );
    assert_eq!(
        env.git(&["show", "--name-only", "--format=%an <%ae> %s", "HEAD"]),
        "Test Author <author@example.com> coe: new COE 2026-11-20-db-failover-writes-lost (draft)\n\ncoes/2026-11-20-db-failover-writes-lost.yaml\n"
    );
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "A  staged.txt\n?? unstaged.txt\n"
    );
}

#[test]
fn clashing_ids_get_a_number() {
    let env = TestEnv::new();
    for expected in [
        "2026-11-20-db-failover-writes-lost",
        "2026-11-20-db-failover-writes-lost-2",
        "2026-11-20-db-failover-writes-lost-3",
    ] {
        env.coe(DRAFT)
            .assert()
            .success()
            .stdout(format!("{expected}\n"));
    }
    assert_eq!(env.git(&["rev-list", "--count", "HEAD"]), "4\n");
}

#[test]
fn every_field_can_be_given_as_a_flag() {
    let env = TestEnv::new();
    let args = [
        "new",
        "--no-input",
        "--title",
        "Checkout latency",
        "--severity",
        "SEV2",
        "--leader",
        "Jane Doe",
        "--service",
        "checkout",
        "--service",
        "payments,search",
        "--tag",
        "config-push",
        "--incident-ref",
        "PD-1",
        "--started",
        "2026-11-22T09:58:00Z",
        "--detected",
        "10:04",
        "--mitigated",
        "10:41",
        "--resolved",
        "2026-11-22T11:30:00Z",
        "--summary",
        "A config change.",
        "--event",
        "09:58 Config pushed",
        "--event",
        "10:04 Alarm fired",
        "--customers",
        "No checkout for 43 minutes.",
        "--customers-affected",
        "12000",
        "--business",
        "1,900 orders delayed.",
        "--remediation",
        "Fees refunded.",
        "--root-cause",
        "Config skips staging.",
        "--category",
        "configuration",
        "--why",
        "Timeouts.",
        "--why",
        "Pool exhausted.",
        "--why",
        "Pushed everywhere at once.",
        "--data",
        "p99 latency <https://grafana.example.com/d/abc>",
        "--security",
        "None: timeouts only.",
        "--other-implications",
        "Two partners paused campaigns.",
        "--lesson",
        "Config needs canaries.",
        "--action",
        "Stage config pushes; kind=prevent; owner=team-platform; due=2026-12-15",
    ];
    env.coe(&args).assert().success();
    let id = "2026-11-22-checkout-latency";
    env.coe(&["close", id]).assert().success();
    let yaml = env.read(&format!("coes/{id}.yaml"));
    assert!(yaml.contains("status: closed"), "{yaml}");
    assert!(
        yaml.contains("services: [checkout, payments, search]"),
        "{yaml}"
    );
    assert!(
        yaml.contains("detected: \"2026-11-22T10:04:00Z\""),
        "{yaml}"
    );
}

#[test]
fn bad_flags_are_clear_errors() {
    let env = TestEnv::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["new", "--no-input", "--title", "x", "--severity", "SEV9"],
            "--severity SEV9: not one of the configured severities (SEV1, SEV2, SEV3, SEV4)",
        ),
        (
            &[
                "new",
                "--no-input",
                "--title",
                "x",
                "--started",
                "2026-02-30T10:00:00Z",
            ],
            "--started:",
        ),
        (
            &[
                "new",
                "--no-input",
                "--title",
                "x",
                "--action",
                "Fix; due=tomorrow",
            ],
            "due `tomorrow`: expected a date",
        ),
        (
            &[
                "new",
                "--no-input",
                "--title",
                "x",
                "--action",
                "Fix; due=2026-12-15T00:00:00Z",
            ],
            "due `2026-12-15T00:00:00Z`: expected a date",
        ),
        (&["new", "--no-input"], "needs a title"),
        (
            &[
                "new",
                "--no-input",
                "--title",
                "x",
                "--started",
                "2026-11-22T10:00:00Z",
                "--detected",
                "2026-11-22T09:00:00Z",
            ],
            "--detected: 2026-11-22 09:00 is before --started (2026-11-22 10:00)",
        ),
    ];
    for (args, message) in cases {
        let out = env.coe(args).output().unwrap();
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains(message), "{args:?}: {text}");
    }
    assert_eq!(
        env.git(&["rev-list", "--count", "HEAD"]),
        "1\n",
        "nothing committed"
    );
}

#[test]
fn new_without_a_terminal_says_how_to_proceed() {
    let env = TestEnv::new();
    let out = env.coe(&["new"]).output().unwrap();
    insta::assert_snapshot!("new_not_a_terminal", env.transcript(&out));
}

#[test]
fn missing_identity_is_a_clear_error_and_writes_nothing() {
    let env = TestEnv::new();
    env.git(&["config", "--unset", "user.name"]);
    let out = env.coe(DRAFT).output().unwrap();
    insta::assert_snapshot!("new_missing_identity", env.transcript(&out));
    assert!(!env
        .root
        .join("coes/2026-11-20-db-failover-writes-lost.yaml")
        .exists());
    // --no-commit needs no identity.
    env.coe(&[DRAFT, &["--no-commit"]].concat())
        .assert()
        .success();
    assert!(env
        .root
        .join("coes/2026-11-20-db-failover-writes-lost.yaml")
        .exists());
}

#[test]
fn new_outside_a_repository_hints_at_init() {
    let env = TestEnv::empty();
    let out = env.coe(DRAFT).output().unwrap();
    insta::assert_snapshot!("new_no_repository", env.transcript(&out));
}

#[test]
fn close_refuses_an_incomplete_coe_listing_what_is_missing() {
    let env = TestEnv::new();
    env.coe(DRAFT).assert().success();
    let out = env
        .coe(&["close", "2026-11-20-db-failover-writes-lost"])
        .output()
        .unwrap();
    insta::assert_snapshot!("close_incomplete", env.transcript(&out));
}

#[test]
fn close_refuses_a_complete_coe_that_check_rejects() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    let text = complete_coe(id, "2026-11-22T09:58:00Z")
        .replace("category: configuration", "category: gremlins");
    env.write(&format!("coes/{id}.yaml"), text);
    let out = env.coe(&["close", id]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("has errors, so it cannot be closed"),
        "{text}"
    );
    assert!(
        text.contains("category: root-cause category `gremlins`") || text.contains("gremlins"),
        "{text}"
    );
    assert!(env
        .read(&format!("coes/{id}.yaml"))
        .contains("status: review"));
}

#[test]
fn times_given_as_flags_roll_past_midnight() {
    let env = TestEnv::new();
    env.coe(&[
        "new",
        "--no-input",
        "--title",
        "Late night",
        "--started",
        "2026-11-22T23:50:00Z",
        "--detected",
        "23:58",
        "--mitigated",
        "00:40",
    ])
    .assert()
    .success();
    let yaml = env.read("coes/2026-11-22-late-night.yaml");
    assert!(
        yaml.contains("mitigated: \"2026-11-23T00:40:00Z\""),
        "{yaml}"
    );
}

#[test]
fn close_marks_a_complete_coe_closed_and_commits() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    env.write(
        &format!("coes/{id}.yaml"),
        complete_coe(id, "2026-11-22T09:58:00Z"),
    );
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "add"]);
    env.coe(&["close", id]).assert().success();
    assert!(env
        .read(&format!("coes/{id}.yaml"))
        .contains("status: closed"));
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]),
        format!("coe: close {id}\n")
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "");
}

#[test]
fn unknown_ids_and_path_tricks_are_refused() {
    let env = TestEnv::new();
    let out = env.coe(&["show", "../../etc/passwd"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(env.transcript(&out).contains("must not contain"));
    let out = env.coe(&["show", "2026-11-20-nothing"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(env
        .transcript(&out)
        .contains("no COE with id `2026-11-20-nothing`"));
}

#[test]
fn load_then_save_is_byte_identical() {
    let text = complete_coe("2026-11-22-checkout-latency", "2026-11-22T09:58:00Z");
    let coe = coe::store::format::parse(&text).unwrap();
    assert_eq!(coe::store::format::to_yaml(&coe), text);
    // A file written by `coe new` (in the SPEC's layout) comes back byte for byte too.
    let env = TestEnv::new();
    env.coe(DRAFT).assert().success();
    let written = env.read("coes/2026-11-20-db-failover-writes-lost.yaml");
    assert_eq!(
        coe::store::format::to_yaml(&coe::store::format::parse(&written).unwrap()),
        written
    );
}

/// `--factor CATEGORY:TEXT` writes a contributing factor; an unknown category or a missing
/// one is refused naming the flag, and nothing is written.
#[test]
fn contributing_factors_are_given_as_flags() {
    let env = crate::common::TestEnv::new();
    let base = [
        "new",
        "--no-input",
        "--title",
        "Factors",
        "--started",
        "2026-11-22T09:58:00Z",
    ];
    let with = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        env.coe(&args).output().unwrap()
    };
    for bad in ["bogus:x", "no category given", "deployment:"] {
        let out = with(&["--factor", bad]);
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("--factor"), "{text}");
    }
    assert_eq!(
        std::fs::read_dir(env.root.join("coes")).unwrap().count(),
        1,
        "only .gitkeep"
    );
    let out = with(&[
        "--factor",
        "deployment: The push skipped the canary stage",
        "--factor",
        "process:No runbook for rollbacks",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    let coe = coe::store::format::parse(&env.read("coes/2026-11-22-factors.yaml")).unwrap();
    let factors: Vec<(&str, &str)> = coe
        .contributing_factors
        .iter()
        .map(|f| (f.category.as_str(), f.description.as_str()))
        .collect();
    assert_eq!(
        factors,
        [
            ("deployment", "The push skipped the canary stage"),
            ("process", "No runbook for rollbacks")
        ]
    );
}
