//! `coe new` and `coe edit` driven through a real pseudo-terminal, typing answers and arrow
//! keys as a person does, so the real dialoguer path is proven.

use std::time::Duration;

use expectrl::process::unix::{Signal, WaitStatus};
use expectrl::session::OsSession as Session;
use expectrl::Expect;

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
    answer(s, "Started", "2026-11-22 09:58");
    choose(s, "Severity", 1); // SEV1 -> SEV2
    answer(s, "Leader", "Jane Doe");
    answer(s, "Services affected", "checkout, payments");
    answer(s, "Incident ref", "PD-48213");
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
    answer(s, "Time (HH:MM", "09:58");
    answer(
        s,
        "What happened then?",
        "Config change 4411 rolled out to all regions",
    );
    answer(s, "Time (HH:MM", "10:04");
    answer(s, "What happened then?", "Latency alarm fired");
    answer(s, "Time (HH:MM", "");

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
    choose(s, "Contributing factor", 1); // none -> deployment
    answer(s, "What was it", "The push skipped the canary stage.");
    choose(s, "Contributing factor", 0); // none: go on
}

#[test]
fn new_shows_the_related_coes_to_read_first_after_the_services() {
    let env = TestEnv::new();
    let mut specs = crate::report::fixture_specs();
    specs.retain(|s| {
        s.id == "2026-09-28-checkout-config-push" || s.id == "2026-10-30-search-index-lag"
    });
    crate::report::write_coes(&env, &specs);
    let mut s = spawn(&env, &["new", "--no-commit"]);
    answer(&mut s, "Title", "Checkout latency spike after config push");
    answer(&mut s, "Started", "2026-11-22 09:58");
    choose(&mut s, "Severity", 1);
    answer(&mut s, "Leader", "Jane Doe");
    answer(&mut s, "Services affected", "checkout, payments");
    let shown = s.expect("Incident ref").unwrap();
    let text = String::from_utf8_lossy(shown.before()).to_string();
    assert!(text.contains("Read these first"), "{text}");
    assert!(text.contains("2026-09-28-checkout-config-push"), "{text}");
    assert!(text.contains("score 3: service checkout"), "{text}");
    assert!(!text.contains("search-index-lag"), "not related: {text}");
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
    answer(s, "Link (", link);
    answer(s, "Evidence", "");
    lines(s, "Security implications", &[security]);
    lines(s, "Other critical implications", &[]);
    answer(s, "Lesson (empty to finish)", lesson);
    answer(s, "Lesson (empty to finish)", "");
    answer(s, "Corrective action (empty to finish)", action);
    choose(s, "Kind", kind_downs);
    answer(s, "Owner", "team-platform");
    answer(s, "Due (YYYY-MM-DD", "2026-12-15");
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
    s.send("y\r").unwrap();
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
fn interrupted_new_keeps_every_item_and_edit_resumes() {
    let env = TestEnv::new();
    let mut s = spawn(&env, &["new"]);
    metadata(&mut s);
    questions_one_to_three(&mut s);
    // Question 4: one data entry, then the engineer is called away and presses Ctrl-C in
    // the middle of the second.
    answer(&mut s, "Evidence", "p99 checkout latency, 09:30-12:00");
    answer(&mut s, "Link (", "https://grafana.example.com/d/abc");
    s.expect("Evidence").unwrap();
    s.send("half a descr").unwrap();
    s.send("\x03").unwrap();
    let (said, _) = s
        .expect("coe edit")
        .map(|c| (String::from_utf8_lossy(c.before()).into_owned(), ()))
        .unwrap();
    assert!(
        said.contains("holds every answer up to and including data entry 1 of question 4; the answer being typed was not saved"),
        "{said}"
    );
    s.expect(expectrl::Eof).unwrap();
    let status = s.get_process().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 130)),
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
    assert!(
        draft.contains("- description: p99 checkout latency, 09:30-12:00\n    link: https://grafana.example.com/d/abc"),
        "the data entry survived:\n{draft}"
    );
    assert!(!draft.contains("half a descr"), "{draft}");
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

    // `coe edit` resumes at question 5, the first one not answered: the data entry is not
    // asked again.
    let mut s = spawn(&env, &["edit", "2026-11-22-checkout"]);
    s.expect("Resuming").unwrap();
    lines(
        &mut s,
        "Security implications",
        &["None: only timeouts changed."],
    );
    lines(&mut s, "Other critical implications", &[]);
    answer(
        &mut s,
        "Lesson (empty to finish)",
        "Config needs canaries too.",
    );
    answer(&mut s, "Lesson (empty to finish)", "");
    answer(
        &mut s,
        "Corrective action (empty to finish)",
        "Stage config pushes",
    );
    choose(&mut s, "Kind", 1);
    answer(&mut s, "Owner", "team-platform");
    answer(&mut s, "Due (YYYY-MM-DD", "2026-12-15");
    choose(&mut s, "Status", 0);
    answer(&mut s, "Ticket link", "");
    answer(&mut s, "Corrective action (empty to finish)", "");
    s.expect("ready for review").unwrap();
    s.send("n\r").unwrap();
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
    answer(&mut s, "Started", "2026-11-24 08:00");
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
    assert!(
        tail.contains("holds every answer up to and including the title and start time"),
        "{tail:?}"
    );
    // The draft exists from the title and start time on (its id is made from them).
    let draft = env.read("coes/2026-11-24-search-outage.yaml");
    assert!(draft.contains("title: Search outage"), "{draft}");
}

#[test]
fn sigint_sigterm_and_a_closed_terminal_keep_the_draft() {
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        let env = TestEnv::new();
        let mut s = spawn(&env, &["new"]);
        answer(&mut s, "Title", "Search outage");
        answer(&mut s, "Started", "2026-11-24T08:00:00Z");
        choose(&mut s, "Severity", 2);
        answer(&mut s, "Leader", "Ana");
        answer(&mut s, "Services affected", "search");
        answer(&mut s, "Incident ref", "");
        answer(&mut s, "Detected", "");
        answer(&mut s, "Mitigated", "");
        answer(&mut s, "Resolved", "");
        lines(
            &mut s,
            "Summary of what happened",
            &["Search returned no results."],
        );
        s.expect("Time (HH:MM").unwrap();
        s.get_process_mut().signal(signal).unwrap();
        let status = s.get_process().wait().unwrap();
        assert!(
            matches!(status, WaitStatus::Exited(_, 130)),
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

/// Every answer of a complete COE as flags: times, each question's fields and lists.
const ALL_FLAGS: &[&str] = &[
    "new",
    "--title",
    "Checkout latency spike after config push",
    "--severity",
    "SEV2",
    "--leader",
    "Jane Doe",
    "--service",
    "checkout,payments",
    "--incident-ref",
    "PD-48213",
    "--started",
    "2026-11-22 09:58",
    "--detected",
    "10:04",
    "--mitigated",
    "10:41",
    "--resolved",
    "11:30",
    "--summary",
    "A config change raised timeouts everywhere at once.",
    "--event",
    "09:58 Config change 4411 rolled out to all regions",
    "--event",
    "10:04 Latency alarm fired",
    "--customers",
    "Customers could not complete checkout for 43 minutes.",
    "--customers-affected",
    "12000",
    "--business",
    "About 1,900 orders were delayed.",
    "--remediation",
    "Shipping fees refunded on all delayed orders.",
    "--root-cause",
    "Config pushes skip the staged rollout.",
    "--category",
    "configuration",
    "--why",
    "Checkout requests timed out.",
    "--why",
    "The connection pool was exhausted.",
    "--why",
    "The new timeout reached every region at once.",
    "--data",
    "p99 checkout latency <https://grafana.example.com/d/abc>",
    "--security",
    "None: only timeouts changed.",
    "--other-implications",
    "None.",
    "--lesson",
    "Global config pushes skip the canary stage.",
    "--action",
    "Stage config pushes; kind=prevent; owner=team-platform; due=2026-12-15",
];

#[test]
fn new_with_every_answer_as_flags_asks_only_the_final_confirmation() {
    let env = TestEnv::new();
    let mut s = spawn(&env, ALL_FLAGS);
    let asked = s.expect("ready for review").unwrap();
    let before = String::from_utf8_lossy(asked.before()).into_owned();
    // dialoguer's prompts end in `›`; the only one is the confirmation itself.
    assert!(!before.contains('›'), "something else was asked:\n{before}");
    s.send("y\r").unwrap();
    let rest = s.expect(expectrl::Eof).unwrap();
    let rest = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert_eq!(rest.matches('✔').count(), 1, "one answered prompt: {rest}");
    let id = "2026-11-22-checkout-latency-spike-after-config-push";
    let yaml = env.read(&format!("coes/{id}.yaml"));
    assert!(yaml.contains("status: review"), "{yaml}");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]),
        format!("coe: new COE {id} (review)\n")
    );
}

#[test]
fn edit_changes_one_item_without_retyping_the_others() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    // A reviewer's comment, which the edits keep.
    env.write(
        &format!("coes/{id}.yaml"),
        crate::common::complete_coe(id, "2026-11-22T09:58:00Z").replace(
            "  whys:\n",
            "  # Reviewer: is the pool size the root cause?\n  whys:\n",
        ),
    );
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "add"]);

    // Change why 2.
    let mut s = spawn(&env, &["edit", id, "--question", "3"]);
    lines(&mut s, "Root cause summary", &[]);
    choose(&mut s, "Root-cause category", 0);
    choose(&mut s, "4 whys", 2); // Change one
    choose(&mut s, "Change which?", 1); // why 2
    s.expect("Why?").unwrap();
    // The answer is pre-filled: clear it and type the new one.
    s.send("\x15").unwrap();
    s.send("The pool was sized for the old timeout.\r").unwrap();
    choose(&mut s, "4 whys", 0); // Keep them and go on
    s.expect(expectrl::Eof).unwrap();

    // Remove timeline entry 1.
    let mut s = spawn(&env, &["edit", id, "--question", "1"]);
    lines(&mut s, "Summary of what happened", &[]);
    choose(&mut s, "2 timeline entries", 3); // Remove one
    choose(&mut s, "Remove which?", 0);
    choose(&mut s, "1 timeline entry", 0);
    s.expect(expectrl::Eof).unwrap();

    // Fix CA-1's owner.
    let mut s = spawn(&env, &["edit", id, "--question", "7"]);
    choose(&mut s, "Status of CA-1", 0);
    choose(&mut s, "1 corrective action", 2); // Change one
    choose(&mut s, "Change which?", 0);
    choose(&mut s, "Which field of CA-1?", 2); // owner
    s.expect("Owner").unwrap();
    s.send("\x15").unwrap();
    s.send("team-checkout\r").unwrap();
    choose(&mut s, "1 corrective action", 0);
    s.expect(expectrl::Eof).unwrap();

    let diff = env.git(&["diff", "HEAD~3", "--", &format!("coes/{id}.yaml")]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "-    - at: \"2026-11-22T09:58:00Z\"",
            "-      event: Config change 4411 rolled out to all regions at once",
            "-    - The connection pool was exhausted by the new timeout.",
            "+    - The pool was sized for the old timeout.",
            "-    owner: team-platform",
            "+    owner: team-checkout",
        ],
        "{diff}"
    );
    assert!(env
        .read(&format!("coes/{id}.yaml"))
        .contains("  # Reviewer: is the pool size the root cause?\n"));
}

#[test]
fn times_after_midnight_are_asked_about_and_a_typo_is_retyped() {
    let env = TestEnv::new();
    let mut args: Vec<&str> = ALL_FLAGS
        .iter()
        .copied()
        .filter(|a| !a.starts_with("09:58 ") && !a.starts_with("10:04 "))
        .collect();
    // Everything as flags but the later times and the timeline, typed instead.
    for flag in ["--detected", "--mitigated", "--resolved", "--event"] {
        while let Some(i) = args.iter().position(|a| *a == flag) {
            args.drain(i..i + 2.min(args.len() - i));
        }
    }
    let i = args.iter().position(|a| *a == "--started").unwrap();
    args[i + 1] = "2017-01-31 23:27";
    let mut s = spawn(&env, &args);
    // A typo: 23:00 is before the start; asked, "no", retyped.
    answer(&mut s, "Detected", "23:00");
    s.expect("23:00 is before started 23:27: did you mean 2017-02-01 23:00?")
        .unwrap();
    s.send("n\r").unwrap();
    answer(&mut s, "Detected", "23:40");
    answer(&mut s, "Mitigated", "00:30");
    s.expect("did you mean 2017-02-01 00:30?").unwrap();
    s.send("y\r").unwrap();
    answer(&mut s, "Resolved", "02:30");
    // The timeline: 00:36 after 23:27 lands on the next day.
    answer(&mut s, "Time (HH:MM", "23:27");
    answer(&mut s, "What happened then?", "Replication lag alarm fired");
    answer(&mut s, "Time (HH:MM", "00:36");
    s.expect("00:36 is before the previous entry 23:27: did you mean 2017-02-01 00:36?")
        .unwrap();
    s.send("y\r").unwrap();
    answer(
        &mut s,
        "What happened then?",
        "Data directory removed on db1",
    );
    answer(&mut s, "Time (HH:MM", "");
    s.expect("ready for review").unwrap();
    s.send("y\r").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let id = "2017-01-31-checkout-latency-spike-after-config-push";
    let coe = coe::store::format::parse(&env.read(&format!("coes/{id}.yaml"))).unwrap();
    let inc = &coe.incident;
    assert_eq!(
        inc.detected.as_ref().unwrap().as_str(),
        "2017-01-31T23:40:00Z"
    );
    assert_eq!(
        inc.mitigated.as_ref().unwrap().as_str(),
        "2017-02-01T00:30:00Z"
    );
    assert_eq!(
        inc.resolved.as_ref().unwrap().as_str(),
        "2017-02-01T02:30:00Z"
    );
    let at: Vec<&str> = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| e.at.as_str())
        .collect();
    assert_eq!(at, ["2017-01-31T23:27:00Z", "2017-02-01T00:36:00Z"]);
}

#[test]
fn a_changed_title_is_saved_at_once_and_the_interrupt_says_so() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    env.write(
        &format!("coes/{id}.yaml"),
        crate::common::complete_coe(id, "2026-11-22T09:58:00Z"),
    );
    let mut s = spawn(&env, &["edit", id, "--all"]);
    s.expect("Title").unwrap();
    s.send("\x15").unwrap();
    s.send("Checkout timeouts after a config push\r").unwrap();
    s.expect("Started").unwrap();
    s.send("\x03").unwrap();
    let said = s.expect("coe edit").unwrap();
    let said = String::from_utf8_lossy(said.before()).into_owned();
    assert!(
        said.contains("holds every answer up to and including the title;"),
        "{said}"
    );
    s.expect(expectrl::Eof).unwrap();
    let file = env.read(&format!("coes/{id}.yaml"));
    assert!(
        file.contains("title: Checkout timeouts after a config push\n"),
        "{file}"
    );
    assert!(
        file.contains(&format!("id: {id}\n")),
        "the id stays: {file}"
    );
}

#[test]
fn new_with_a_timeline_file_shows_it_and_asks_first() {
    let env = TestEnv::new();
    let csv = env.write(
        "timeline.csv",
        "time,event\n09:00,Unrelated deploy\n09:58,Config change rolled out\n10:04,Latency alarm fired\n",
    );
    let csv = csv.display().to_string();
    let mut args: Vec<&str> = ALL_FLAGS
        .iter()
        .copied()
        .filter(|a| !a.starts_with("09:58 ") && !a.starts_with("10:04 ") && *a != "--event")
        .collect();
    args.extend(["--timeline", csv.as_str()]);
    let mut s = spawn(&env, &args);
    let shown = s.expect("Add these to the timeline?").unwrap();
    let shown = String::from_utf8_lossy(shown.before()).into_owned();
    assert!(
        shown.contains("2 timeline entries from")
            && shown.contains("1 outside the incident window left out"),
        "{shown}"
    );
    assert!(
        shown.contains("2026-11-22T10:04:00Z  Latency alarm fired"),
        "{shown}"
    );
    s.send("y\r").unwrap();
    s.expect("ready for review").unwrap();
    s.send("y\r").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let id = "2026-11-22-checkout-latency-spike-after-config-push";
    let coe = coe::store::format::parse(&env.read(&format!("coes/{id}.yaml"))).unwrap();
    let events: Vec<&str> = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| e.event.as_str())
        .collect();
    assert_eq!(events, ["Config change rolled out", "Latency alarm fired"]);
}

/// The issue's reproduction: a `n` typed at a y/n question, then Enter, must answer that
/// question only. Before, the confirm took the `n` and the Enter answered the next prompt
/// (the resolved time, skipped for good). Every time typed is echoed with its full date.
#[test]
fn n_enter_at_a_confirm_leaves_the_next_answer_untouched() {
    let env = TestEnv::new();
    let mut s = spawn(
        &env,
        &[
            "new",
            "--no-commit",
            "--title",
            "T",
            "--started",
            "2023-11-02T11:44:00Z",
            "--severity",
            "SEV1",
            "--leader",
            "R",
            "--service",
            "api",
            "--incident-ref",
            "R-1",
            "--detected",
            "11:47",
            "--mitigated",
            "17:57",
        ],
    );
    answer(&mut s, "Resolved", "04:25");
    s.expect("did you mean 2023-11-03 04:25?").unwrap();
    s.send("n\r").unwrap();
    // Asked again, not skipped: the Enter after `n` was the confirm's.
    answer(&mut s, "Resolved", "18:30");
    s.expect("Taken as 2023-11-02 18:30 UTC.").unwrap();
    s.expect("Summary of what happened").unwrap();
    s.send("\x03").unwrap();
    s.expect(expectrl::Eof).unwrap();
    let file = std::fs::read_dir(env.root.join("coes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("the draft");
    let coe = coe::store::format::parse(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(
        coe.incident.resolved.as_ref().map(|r| r.as_str()),
        Some("2023-11-02T18:30:00Z")
    );
}
