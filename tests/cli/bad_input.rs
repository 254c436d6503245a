//! The SPEC's "Bad input", through the commands that read one COE (`show`, `close`): each
//! is a clear message naming the file and the line or field, exit 2, no panic, bounded cost.

use crate::common::TestEnv;

/// Copies the `coe check` parse fixtures into a fresh repository.
fn env_with_parse_fixtures() -> TestEnv {
    let env = TestEnv::new();
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/parse/coes");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        env.write(
            &format!("coes/{}", path.file_name().unwrap().to_string_lossy()),
            std::fs::read(&path).unwrap(),
        );
    }
    env
}

fn assert_clear_failure(env: &TestEnv, args: &[&str], expect: &[&str]) {
    let out = env.coe(args).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}\n{text}");
    for needle in expect {
        assert!(
            text.contains(needle),
            "{args:?}: expected {needle:?} in\n{text}"
        );
    }
    for bad in ["panicked", "Backtrace", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!text.contains(bad), "{args:?}\n{text}");
    }
}

#[test]
fn every_malformed_file_is_a_clear_error_naming_file_and_line() {
    let env = env_with_parse_fixtures();
    let cases: &[(&str, &[&str])] = &[
        ("2026-11-01-malformed", &["coes/2026-11-01-malformed.yaml:"]),
        (
            "2026-11-01-tab",
            &["coes/2026-11-01-tab.yaml:4:", "not tabs"],
        ),
        (
            "2026-11-02-wrong-type",
            &["coes/2026-11-02-wrong-type.yaml:", "invalid type"],
        ),
        (
            "2026-11-03-unknown-key",
            &["coes/2026-11-03-unknown-key.yaml:", "unknown field"],
        ),
        (
            "2026-11-04-impossible-date",
            &[
                "coes/2026-11-04-impossible-date.yaml:14:",
                "incident.resolved",
                "2026-02-30",
            ],
        ),
        (
            "2026-11-06-empty",
            &["coes/2026-11-06-empty.yaml:", "the file is empty"],
        ),
        (
            "2026-11-07-version-99",
            &[
                "coes/2026-11-07-version-99.yaml:",
                "unsupported format version 99",
            ],
        ),
        (
            "2026-11-08-not-utf8",
            &["coes/2026-11-08-not-utf8.yaml:", "not valid UTF-8"],
        ),
    ];
    for (id, expect) in cases {
        assert_clear_failure(&env, &["show", id], expect);
        assert_clear_failure(&env, &["close", id], expect);
    }
}

#[test]
fn a_5_mb_file_is_refused_by_size() {
    let env = TestEnv::new();
    let mut text = String::from("version: 1\nid: 2026-11-22-huge\ntitle: Huge\nseverity: SEV2\nincident:\n  started: \"2026-11-22T09:58:00Z\"\nlessons:\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("  - A lesson repeated to make the file very large indeed.\n");
    }
    env.write("coes/2026-11-22-huge.yaml", text);
    assert_clear_failure(
        &env,
        &["show", "2026-11-22-huge"],
        &["coes/2026-11-22-huge.yaml", "larger than 1024 KiB"],
    );
}

#[test]
fn a_yaml_alias_bomb_is_defused() {
    let env = TestEnv::new();
    let mut text = String::from("version: 1\nid: 2026-11-22-bomb\ntitle: Bomb\nseverity: SEV2\nincident:\n  started: \"2026-11-22T09:58:00Z\"\n");
    // Nine levels, each nine aliases of the one below: 9^9 (387 million) strings if expanded.
    let mut nested = String::from("&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
    for level in 1..=9 {
        let refs = vec![format!("*a{}", level - 1); 8].join(", ");
        nested = format!("&a{level} [{nested}, {refs}]");
    }
    text.push_str(&format!("lessons: [{nested}, *a9, *a9]\n"));
    env.write("coes/2026-11-22-bomb.yaml", text);
    assert_clear_failure(
        &env,
        &["show", "2026-11-22-bomb"],
        &["coes/2026-11-22-bomb.yaml:"],
    );
}

#[test]
fn ids_with_slashes_or_dots_never_reach_the_file_system() {
    let env = TestEnv::new();
    for (id, message) in [
        ("../outside", "invalid COE id"),
        ("2026-11-22-a/b", "invalid COE id"),
        ("2026-11-22-..", "invalid COE id"),
        // A path is taken only when it is a file in the COE directory.
        (
            "/etc/passwd",
            "/etc/passwd is not in the COE directory coes",
        ),
        (".coe.yaml", ".coe.yaml is not in the COE directory coes"),
        ("2026-11-22-x\\y", "invalid COE id"),
    ] {
        assert_clear_failure(&env, &["show", id], &[message]);
        assert_clear_failure(&env, &["close", id], &[message]);
        assert_clear_failure(&env, &["edit", id], &[message]);
    }
}

#[test]
fn ids_may_be_a_unique_prefix_or_the_files_path() {
    let env = TestEnv::new();
    for id in ["2026-11-22-checkout-latency", "2026-11-22-checkout-errors"] {
        env.write(
            &format!("coes/{id}.yaml"),
            crate::common::complete_coe(id, "2026-11-22T09:58:00Z"),
        );
    }
    let shown = |arg: &str| {
        let out = env.run_ok(&["show", arg]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let whole = shown("2026-11-22-checkout-latency");
    assert_eq!(shown("2026-11-22-checkout-l"), whole);
    assert_eq!(shown("coes/2026-11-22-checkout-latency.yaml"), whole);
    assert_clear_failure(
        &env,
        &["show", "2026-11-22-checkout"],
        &["`2026-11-22-checkout` is the start of 2 COE ids: 2026-11-22-checkout-errors, 2026-11-22-checkout-latency", "type more of the id"],
    );
}

/// A user's mistake and a failure coe did not expect both exit 2, but only the second says
/// "internal error" (and asks for a bug report); the first never does.
#[test]
fn internal_errors_are_told_apart_from_usage_errors() {
    let env = TestEnv::new();
    let usage = env.coe(&["show", "2026-01-01-nothing"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(!env.transcript(&usage).contains("internal error"));

    // The COE directory is a file: reading it fails in a way no command anticipates.
    std::fs::remove_dir_all(env.root.join("coes")).unwrap();
    env.write("coes", "not a directory");
    let out = env.coe(&["list"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("error: internal error: reading directory")
            && text.contains("please report it as a bug"),
        "{text}"
    );
}
