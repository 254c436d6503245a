use crate::common::{complete_coe, TestEnv};

fn env_with_coe() -> (TestEnv, &'static str) {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    env.write(
        &format!("coes/{id}.yaml"),
        complete_coe(id, "2026-11-22T09:58:00Z"),
    );
    (env, id)
}

#[test]
fn show_markdown() {
    let (env, id) = env_with_coe();
    let out = env.coe(&["show", id]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("show_markdown", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn show_html() {
    let (env, id) = env_with_coe();
    let out = env.coe(&["show", id, "--format", "html"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("show_html", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn show_draft_says_what_is_missing() {
    let env = TestEnv::new();
    env.coe(&[
        "new",
        "--no-input",
        "--title",
        "Search outage",
        "--severity",
        "SEV3",
        "--started",
        "2026-11-24T08:00:00Z",
    ])
    .assert()
    .success();
    let out = env
        .coe(&["show", "2026-11-24-search-outage"])
        .output()
        .unwrap();
    insta::assert_snapshot!("show_draft", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn hostile_answers_are_inert_in_markdown_and_html() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    let text = complete_coe(id, "2026-11-22T09:58:00Z")
        .replace(
            "title: Checkout latency spike after config push",
            "title: \"<script>alert(1)</script> # | x\"",
        )
        .replace(
            "Customers could not complete checkout for 43 minutes.",
            "\"[click](javascript:alert(1)) &amp; <img src=x onerror=alert(1)>\"",
        )
        .replace("event: Latency alarm fired", "event: \"a | b\\n| --- |\"")
        .replace(
            "link: https://grafana.example.com/d/abc",
            "link: \"javascript:alert(document.cookie)\"",
        );
    env.write(&format!("coes/{id}.yaml"), text);
    let html = String::from_utf8(
        env.coe(&["show", id, "--format", "html"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:alert(1)\""), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(
        html.contains("&amp;amp;"),
        "the entity is shown as typed: {html}"
    );
    let md = String::from_utf8(env.coe(&["show", id]).output().unwrap().stdout).unwrap();
    assert!(
        md.contains("| 2026-11-22T10:04:00Z | a \\| b \\| \\-\\-\\- \\| |")
            || md.contains("a \\| b"),
        "{md}"
    );
    // Every table row keeps its column count.
    for line in md.lines().filter(|l| l.starts_with("| 2026")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 3, "{line}");
    }
}

/// The published COE shows the contributing factors (under question 3) and who approved it
/// and when, in Markdown and HTML.
#[test]
fn show_has_contributing_factors_and_approvals() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    env.write(
        &format!("coes/{id}.yaml"),
        format!(
            "{}contributing_factors:\n  - category: deployment\n    description: The push skipped the canary stage.\nreview:\n  approvals:\n    - by: Sam Lee\n      on: 2026-11-29\n",
            complete_coe(id, "2026-11-22T09:58:00Z")
        ),
    );
    let out = env.run_ok(&["show", id]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| deployment | The push skipped the canary stage. |"),
        "{md}"
    );
    let factors = md.find("**Contributing factors:**").unwrap();
    assert!(md.find("# 4.").is_some_and(|q4| factors < q4), "{md}");
    assert!(
        md.contains(
            "## Approvals\n\n| Approved by | On |\n| --- | --- |\n| Sam Lee | 2026-11-29 |"
        ),
        "{md}"
    );
    let out = env.run_ok(&["show", id, "--format", "html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("Sam Lee") && html.contains("canary stage"),
        "{html}"
    );
}
