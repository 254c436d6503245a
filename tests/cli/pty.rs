//! `coe new` and `coe edit` driven through a real pseudo-terminal, typing answers and arrow
//! keys as a person does, so the real dialoguer path is proven.

use std::time::Duration;

use expectrl::Session;

use crate::common::TestEnv;

const DOWN: &str = "\x1b[B";

fn spawn(env: &TestEnv, args: &[&str]) -> Session {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coe"));
    cmd.current_dir(&env.root).args(args);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &env.root)
        .env("TERM", "xterm")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2026-11-23T12:00:00Z")
        .env("NO_COLOR", "1")
        .env("COE_TODAY", "2026-11-25");
    let mut session = Session::spawn(cmd).expect("spawn coe in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

/// Waits for `prompt`, then types `answer` and Enter.
fn answer(s: &mut Session, prompt: &str, answer: &str) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    s.send(answer).unwrap();
    s.send("\r").unwrap();
}

/// Waits for a Select `prompt`, presses Down `downs` times, then Enter.
fn choose(s: &mut Session, prompt: &str, downs: usize) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for _ in 0..downs {
        s.send(DOWN).unwrap();
    }
    s.send("\r").unwrap();
}

/// Answers a multi-line text prompt with these lines, then an empty line.
fn lines(s: &mut Session, prompt: &str, text: &[&str]) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for line in text {
        s.expect(">").unwrap();
        s.send(line).unwrap();
        s.send("\r").unwrap();
    }
    s.expect(">").unwrap();
    s.send("\r").unwrap();
}

fn metadata(s: &mut Session) {
    answer(s, "Title", "Checkout latency spike after config push");
    choose(s, "Severity", 1); // SEV1 -> SEV2
    answer(s, "Leader", "Jane Doe");
    answer(s, "Services affected", "checkout, payments");
    answer(s, "Incident ref", "PD-48213");
    answer(s, "Started", "2026-11-22T09:58:00Z");
    answer(s, "Detected", "10:04");
    answer(s, "Mitigated", "10:41");
    answer(s, "Resolved", "");
}

fn questions_one_to_three(s: &mut Session) {
    lines(
        s,
        "Summary of what happened",
        &[
            "A config change raised timeouts everywhere at once.",
            "Checkout requests queued.",
        ],
    );
    answer(s, "Time (empty to finish)", "09:58");
    answer(
        s,
        "What happened then?",
        "Config change 4411 rolled out to all regions",
    );
    answer(s, "Time (empty to finish)", "10:04");
    answer(s, "What happened then?", "Latency alarm fired");
    answer(s, "Time (empty to finish)", "");

    lines(
        s,
        "Impact on customers",
        &["Customers could not complete checkout for 43 minutes."],
    );
    answer(s, "Number of customers affected", "12,000");
    lines(
        s,
        "Impact on the business",
        &["About 1,900 orders were delayed."],
    );
    lines(
        s,
        "What was done to make it right",
        &["Shipping fees refunded on all delayed orders."],
    );

    lines(
        s,
        "Root cause summary",
        &["Config pushes skip the staged rollout that code goes through."],
    );
    choose(s, "Root-cause category", 1); // deployment -> configuration
    answer(s, "Why?", "Checkout requests timed out.");
    answer(s, "Why?", "The connection pool was exhausted.");
    answer(s, "Why?", "The new timeout reached every region at once.");
    answer(s, "Why?", "");
}

/// Answers questions 4 to 7 with one entry each: evidence and its link, the security
/// implications, a lesson, and a corrective action with its kind (Down presses).
fn questions_four_to_seven(
    s: &mut Session,
    (evidence, link): (&str, &str),
    security: &str,
    lesson: &str,
    (action, kind_downs): (&str, usize),
) {
    answer(s, "Evidence", evidence);
    answer(s, "Link (optional)", link);
    answer(s, "Evidence", "");
    lines(s, "Security implications", &[security]);
    lines(s, "Other critical implications", &[]);
    answer(s, "Lesson (empty to finish)", lesson);
    answer(s, "Lesson (empty to finish)", "");
    answer(s, "Corrective action (empty to finish)", action);
    choose(s, "Kind", kind_downs);
    answer(s, "Owner", "team-platform");
    answer(s, "Due (YYYY-MM-DD)", "2026-12-15");
    choose(s, "Status", 0);
    answer(s, "Ticket link", "");
    answer(s, "Corrective action (empty to finish)", "");
}

#[test]
fn new_walks_all_seven_questions_and_commits_only_the_file() {
    let env = TestEnv::new();
    env.write("unrelated.txt", "staged by the user");
    env.git(&["add", "unrelated.txt"]);
    let mut s = spawn(&env, &["new"]);
    metadata(&mut s);
    questions_one_to_three(&mut s);

    questions_four_to_seven(
        &mut s,
        (
            "p99 checkout latency, 09:30-12:00",
            "https://grafana.example.com/d/abc",
        ),
        "None: no data was exposed; only timeouts changed.",
        "Global config pushes skip the canary stage.",
        ("Route config pushes through the staged rollout", 0),
    );

    s.expect("ready for review").unwrap();
    s.send("y").unwrap();
    s.expect(expectrl::Eof).unwrap();

    let id = "2026-11-22-checkout-latency-spike-after-config-push";
    let yaml = env.read(&format!("coes/{id}.yaml"));
    insta::assert_snapshot!("pty_new_yaml", yaml);
    // The commit holds exactly that one file; the user's staged file is still staged.
    assert_eq!(
        env.git(&["show", "--name-only", "--format=%s", "HEAD"]),
        format!("coe: new COE {id} (review)\n\ncoes/{id}.yaml\n")
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "A  unrelated.txt\n");
    env.coe(&["close", id]).assert().success();
}

#[test]
fn interrupted_new_keeps_answers_and_edit_resumes() {
    let env = TestEnv::new();
    let mut s = spawn(&env, &["new"]);
    metadata(&mut s);
    questions_one_to_three(&mut s);
    // Question 4 is showing; the engineer is called away and presses Ctrl-C.
    s.expect("Evidence").unwrap();
    s.send("\x03").unwrap();
    s.expect("coe edit").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let status = s.get_process().wait().unwrap();
    assert!(
        format!("{status:?}").contains("130"),
        "exit status {status:?}"
    );

    let id = "2026-11-22-checkout-latency-spike-after-config-push";
    let draft = env.read(&format!("coes/{id}.yaml"));
    assert!(draft.contains("status: draft"), "{draft}");
    assert!(
        draft.contains("The connection pool was exhausted."),
        "question 3 survived:\n{draft}"
    );
    assert!(draft.contains("customers_affected: 12000"), "{draft}");
    let leftovers: Vec<String> = std::fs::read_dir(env.root.join("coes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(
        env.git(&["rev-list", "--count", "HEAD"]),
        "1\n",
        "the draft is not committed yet"
    );

    // `coe edit` resumes at question 4, the first one not answered.
    let mut s = spawn(&env, &["edit", id]);
    s.expect("Resuming").unwrap();
    questions_four_to_seven(
        &mut s,
        ("p99 checkout latency", ""),
        "None: only timeouts changed.",
        "Config needs canaries too.",
        ("Stage config pushes", 1),
    );
    s.expect("ready for review").unwrap();
    s.send("n").unwrap();
    s.expect(expectrl::Eof).unwrap();

    let done = env.read(&format!("coes/{id}.yaml"));
    assert!(
        done.contains("The connection pool was exhausted."),
        "{done}"
    );
    assert!(done.contains("kind: detect"), "{done}");
    assert!(done.contains("Config needs canaries too."), "{done}");
    assert_eq!(
        env.git(&["show", "--name-only", "--format=%s", "HEAD"]),
        format!("coe: edit {id} (draft)\n\ncoes/{id}.yaml\n")
    );
    env.coe(&["close", id]).assert().success();
}

/// Answers the metadata up to the severity Select, which hides the cursor.
fn up_to_the_severity_select(env: &TestEnv) -> Session {
    let mut s = spawn(env, &["new"]);
    answer(&mut s, "Title", "Search outage");
    s.expect("Severity").unwrap();
    s
}

#[test]
fn ctrl_c_in_a_select_restores_the_cursor_and_leaves_no_files() {
    let env = TestEnv::new();
    let mut s = up_to_the_severity_select(&env);
    s.send("\x03").unwrap();
    let rest = s.expect(expectrl::Eof).unwrap();
    let tail = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(tail.contains("\x1b[?25h"), "cursor shown again: {tail:?}");
    assert!(tail.contains("nothing was written"), "{tail:?}");
    assert_eq!(
        std::fs::read_dir(env.root.join("coes")).unwrap().count(),
        1,
        "only .gitkeep"
    );
}

#[test]
fn sigint_sigterm_and_a_closed_terminal_keep_the_draft() {
    for signal in [
        expectrl::Signal::SIGINT,
        expectrl::Signal::SIGTERM,
        expectrl::Signal::SIGHUP,
    ] {
        let env = TestEnv::new();
        let mut s = spawn(&env, &["new"]);
        answer(&mut s, "Title", "Search outage");
        choose(&mut s, "Severity", 2);
        answer(&mut s, "Leader", "Ana");
        answer(&mut s, "Services affected", "search");
        answer(&mut s, "Incident ref", "");
        answer(&mut s, "Started", "2026-11-24T08:00:00Z");
        answer(&mut s, "Detected", "");
        answer(&mut s, "Mitigated", "");
        answer(&mut s, "Resolved", "");
        lines(
            &mut s,
            "Summary of what happened",
            &["Search returned no results."],
        );
        s.expect("Time (empty to finish)").unwrap();
        s.get_process_mut().signal(signal).unwrap();
        let status = s.get_process().wait().unwrap();
        assert!(
            format!("{status:?}").contains("130"),
            "{signal}: exit status {status:?}"
        );
        let draft = env.read("coes/2026-11-24-search-outage.yaml");
        assert!(draft.contains("severity: SEV3"), "{signal}: {draft}");
        let leftovers = std::fs::read_dir(env.root.join("coes"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0, "{signal}: temporary files left behind");
    }
}
