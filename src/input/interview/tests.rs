use super::*;
use crate::input::prompt::ScriptedPrompter;

fn draft() -> Coe {
    crate::store::format::parse(
        "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\nleader: Ana\nincident:\n  started: \"2026-11-22T09:58:00Z\"\n",
    )
    .unwrap()
}

/// What a scripted walk did: the transcript, every save (COE and what was saved), and the
/// walk's result.
struct Ran {
    p: ScriptedPrompter,
    saves: Vec<(Coe, String)>,
    result: Result<()>,
}

fn walk_with(
    coe: &mut Coe,
    config: &Config,
    mode: Mode,
    answers: &[&str],
    f: impl FnOnce(&mut Walk, &mut Coe) -> Result<()>,
) -> Ran {
    let mut p = ScriptedPrompter::new(answers.iter().copied());
    let mut saves = Vec::new();
    let result = {
        let mut save = |c: &Coe, what: &str| -> Result<()> {
            saves.push((c.clone(), what.to_string()));
            Ok(())
        };
        let mut walk = Walk::new(&mut p, config, mode, true, &mut save);
        f(&mut walk, coe)
    };
    Ran { p, saves, result }
}

fn ask(coe: &mut Coe, mode: Mode, number: u8, answers: &[&str]) -> Ran {
    let q = &QUESTIONS[usize::from(number) - 1];
    let ran = walk_with(coe, &Config::default(), mode, answers, |w, c| {
        w.question(c, q)
    });
    if let Err(e) = &ran.result {
        panic!("{e:#}\n{:#?}", ran.p.transcript);
    }
    assert_eq!(ran.p.remaining(), 0, "{:#?}", ran.p.transcript);
    ran
}

fn said(ran: &Ran, text: &str) -> bool {
    ran.p.transcript.iter().any(|l| l.contains(text))
}

#[test]
fn reasks_until_answers_are_valid() {
    let mut coe = draft();
    let ran = ask(
        &mut coe,
        Mode::New,
        1,
        &[
            "Something broke.",
            "",
            "25:99",
            "10:04",
            "",
            "Alarm fired",
            "",
        ],
    );
    assert_eq!(
        coe.what_happened.timeline[0].at.as_str(),
        "2026-11-22T10:04:00Z"
    );
    assert!(
        said(&ran, "`25:99` is not a time"),
        "{:?}",
        ran.p.transcript
    );
    assert!(
        said(&ran, "An entry needs an event"),
        "{:?}",
        ran.p.transcript
    );

    ask(
        &mut coe,
        Mode::New,
        2,
        &["Lots.", "", "twelve", "12,000", "Money.", "", ""],
    );
    assert_eq!(coe.impact.customers_affected, Some(12000));
    assert_eq!(coe.impact.remediation, "");
}

#[test]
fn answers_already_given_are_not_asked_again() {
    let mut coe = draft();
    coe.what_happened.summary = "Given as a flag.".into();
    coe.root_cause.summary = "Config skips staging.".into();
    coe.root_cause.category = "configuration".into();
    coe.root_cause.whys = vec!["a".into(), "b".into(), "c".into()];
    // Only the timeline is asked for question 1; nothing for question 3.
    let ran = ask(&mut coe, Mode::New, 1, &["10:04", "Alarm fired", ""]);
    assert_eq!(coe.what_happened.summary, "Given as a flag.");
    assert!(!said(&ran, "Summary"), "{:?}", ran.p.transcript);
    let ran = ask(&mut coe, Mode::New, 3, &[]);
    assert!(ran.p.transcript.is_empty(), "{:?}", ran.p.transcript);
}

#[test]
fn too_few_whys_ask_for_another() {
    let mut coe = draft();
    coe.root_cause.summary = "Config skips staging.".into();
    coe.root_cause.category = "configuration".into();
    coe.root_cause.whys = vec!["a".into()];
    // Resuming with one why: one more, then an empty answer asks "add another?", yes, one
    // more; then three are enough.
    let ran = ask(&mut coe, Mode::Resume, 3, &["b", "", "y", "c", ""]);
    assert_eq!(coe.root_cause.whys, ["a", "b", "c"]);
    assert!(said(&ran, "2 whys so far"), "{:?}", ran.p.transcript);
    // Declining leaves it short, on purpose.
    coe.root_cause.whys.truncate(1);
    ask(&mut coe, Mode::Resume, 3, &["", "n"]);
    assert_eq!(coe.root_cause.whys, ["a"]);
}

#[test]
fn lists_change_remove_and_insert_one_item() {
    let mut coe = draft();
    coe.root_cause.summary = "Config skips staging.".into();
    coe.root_cause.category = "configuration".into();
    coe.root_cause.whys = vec!["a".into(), "b".into(), "c".into()];
    coe.what_happened.summary = "S".into();
    coe.what_happened.timeline = vec![
        TimelineEntry {
            at: "2026-11-22T09:58:00Z".parse().unwrap(),
            event: "one".into(),
        },
        TimelineEntry {
            at: "2026-11-22T10:04:00Z".parse().unwrap(),
            event: "two".into(),
        },
    ];
    // Question 3: keep summary and category; change why 2; insert before why 1; done.
    let ran = ask(
        &mut coe,
        Mode::All,
        3,
        &[
            "",
            "",
            "Change one",
            "2. b",
            "B, retyped",
            "Insert one before another",
            "1. a",
            "zero",
            "Keep them and go on",
        ],
    );
    assert_eq!(coe.root_cause.whys, ["zero", "a", "B, retyped", "c"]);
    let saved: Vec<&str> = ran.saves.iter().map(|(_, w)| w.as_str()).collect();
    assert_eq!(
        saved,
        [
            "“Root cause summary” of question 3",
            "the category of question 3",
            "why 2 of question 3",
            "why 1 of question 3"
        ]
    );
    // Question 1: remove the first timeline entry.
    ask(
        &mut coe,
        Mode::All,
        1,
        &[
            "",
            "Remove one",
            "1. 2026-11-22T09:58:00Z  one",
            "Keep them and go on",
        ],
    );
    let events: Vec<&str> = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| e.event.as_str())
        .collect();
    assert_eq!(events, ["two"]);
}

#[test]
fn one_field_of_an_action_changes_alone() {
    let mut coe = draft();
    coe.corrective_actions = vec![CorrectiveAction {
        id: "CA-1".into(),
        action: "Stage config".into(),
        kind: Some(ActionKind::Prevent),
        owner: String::new(),
        due: None,
        status: ActionStatus::Open,
        done: None,
        reason: None,
        link: None,
    }];
    let before = coe.corrective_actions[0].clone();
    ask(
        &mut coe,
        Mode::All,
        7,
        &[
            "",
            "Change one",
            "1. CA-1 Stage config (prevent, no owner, due ?, open)",
            "owner",
            "team-platform",
            "Keep them and go on",
        ],
    );
    let after = &coe.corrective_actions[0];
    assert_eq!(after.owner, "team-platform");
    assert_eq!(
        CorrectiveAction {
            owner: String::new(),
            ..after.clone()
        },
        before
    );
}

#[test]
fn new_actions_get_ids_and_a_done_action_asks_its_date() {
    let mut coe = draft();
    ask(
        &mut coe,
        Mode::New,
        7,
        &[
            "Stage config",
            "prevent",
            "team-platform",
            "15/12/2026",
            "2026-12-15",
            "open",
            "not a url",
            "",
            "Add an alarm",
            "detect",
            "team-sre",
            "2026-11-30",
            "done",
            "2017-02-03",
            "https://jira.example.com/SRE-1",
            "",
        ],
    );
    let ids: Vec<&str> = coe
        .corrective_actions
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["CA-1", "CA-2"]);
    assert_eq!(coe.corrective_actions[0].link, None);
    assert_eq!(coe.corrective_actions[1].status, ActionStatus::Done);
    assert_eq!(
        coe.corrective_actions[1]
            .done
            .map(|d| d.to_string())
            .as_deref(),
        Some("2017-02-03")
    );
    assert!(coe.corrective_actions[0].missing_parts().is_empty());
}

#[test]
fn action_due_days_is_the_due_date_offered_for_the_kind() {
    let mut coe = draft();
    let config = Config::parse("action_due_days: {detect: 28, default: 90}\n").unwrap();
    let q = &QUESTIONS[6];
    let answers = ["Add an alarm", "detect", "team-sre", "", "open", "", ""];
    let ran = walk_with(&mut coe, &config, Mode::New, &answers, |w, c| {
        w.question(c, q)
    });
    assert!(ran.result.is_ok(), "{:#?}", ran.p.transcript);
    assert!(said(&ran, "Due"), "{:#?}", ran.p.transcript);
    // Enter on the due date takes the default: 28 days after the incident started.
    assert_eq!(
        coe.corrective_actions[0].due,
        Some(jiff::civil::date(2026, 12, 20))
    );
}

#[test]
fn marking_an_action_done_while_revisiting_asks_the_date_defaulting_to_today() {
    let mut coe = draft();
    coe.corrective_actions = vec![CorrectiveAction {
        id: "CA-2".into(),
        action: "B".into(),
        kind: Some(ActionKind::Detect),
        owner: "t".into(),
        due: crate::model::dates::parse_date("2026-12-02").ok(),
        status: ActionStatus::Open,
        done: None,
        reason: None,
        link: None,
    }];
    ask(&mut coe, Mode::All, 7, &["done", "", "Keep them and go on"]);
    assert_eq!(coe.corrective_actions[0].done, Some(today()));
    // Reopened: the done date goes. A new one is numbered after the highest.
    ask(
        &mut coe,
        Mode::All,
        7,
        &[
            "open",
            "Add at the end",
            "C",
            "process",
            "t",
            "2026-12-03",
            "open",
            "",
            "",
            "Keep them and go on",
        ],
    );
    assert_eq!(coe.corrective_actions[0].done, None);
    assert_eq!(coe.corrective_actions[1].id, "CA-3");
}

#[test]
fn every_item_is_saved_and_says_what() {
    let mut coe = draft();
    let ran = walk_with(
        &mut coe,
        &Config::default(),
        Mode::New,
        &["grafana p99", "https://grafana.example.com/d/1", "logs"],
        |w, c| w.question(c, &QUESTIONS[3]),
    );
    // The script ran out while the second entry's link was asked: an interrupt.
    assert!(ran
        .result
        .unwrap_err()
        .downcast_ref::<crate::error::Interrupted>()
        .is_some());
    let (last, what) = ran.saves.last().unwrap();
    assert_eq!(what, "data entry 1 of question 4");
    assert_eq!(last.data[0].description, "grafana p99");
}

#[test]
fn blame_is_flagged_with_a_rephrasing() {
    let mut coe = draft();
    let ran = ask(
        &mut coe,
        Mode::New,
        6,
        &[
            "Human error is always possible.",
            "y",
            "Staff should have known the flag.",
            "n",
            "",
        ],
    );
    assert_eq!(
        coe.lessons,
        [
            "A mistake the system did not guard against is always possible.",
            "Staff should have known the flag."
        ]
    );
    assert!(
        said(&ran, "“human error” reads as blame"),
        "{:?}",
        ran.p.transcript
    );
}

#[test]
fn the_00_36_after_23_27_case_lands_on_the_next_day_and_a_typo_is_asked_about() {
    let mut coe = draft();
    coe.incident.started = "2017-01-31T23:27:00Z".parse().unwrap();
    coe.what_happened.summary = "S".into();
    // Timeline: 23:27 in order; 00:36 confirmed as the next day.
    let ran = ask(
        &mut coe,
        Mode::New,
        1,
        &["23:27", "Started", "00:36", "", "Replication stopped", ""],
    );
    let at: Vec<&str> = coe
        .what_happened
        .timeline
        .iter()
        .map(|e| e.at.as_str())
        .collect();
    assert_eq!(at, ["2017-01-31T23:27:00Z", "2017-02-01T00:36:00Z"]);
    assert!(
        said(
            &ran,
            "00:36 is before the previous entry 23:27: did you mean 2017-02-01 00:36?"
        ),
        "{:?}",
        ran.p.transcript
    );

    // Detected typed as 23:00 (a typo): asked about, "no", retyped.
    let ran = walk_with(
        &mut coe,
        &Config::default(),
        Mode::New,
        &["23:00", "n", "23:40", "back", "23:45", "00:30", "", "01:00"],
        |w, c| {
            c.services = vec!["db".into()];
            c.incident_ref = Some("x".into());
            w.metadata(c)
        },
    );
    assert!(ran.result.is_ok(), "{:?}", ran.p.transcript);
    let inc = &coe.incident;
    assert_eq!(
        inc.detected.as_ref().map(Stamp::as_str),
        Some("2017-01-31T23:45:00Z")
    );
    assert_eq!(
        inc.mitigated.as_ref().map(Stamp::as_str),
        Some("2017-02-01T00:30:00Z")
    );
    assert_eq!(
        inc.resolved.as_ref().map(Stamp::as_str),
        Some("2017-02-01T01:00:00Z")
    );
    assert!(
        said(
            &ran,
            "23:00 is before started 23:27: did you mean 2017-02-01 23:00?"
        ),
        "{:?}",
        ran.p.transcript
    );
}

#[test]
fn empty_leader_and_bad_links_are_refused() {
    let mut coe = draft();
    coe.leader = String::new();
    let ran = walk_with(
        &mut coe,
        &Config::default(),
        Mode::Resume,
        &["", "Jane"],
        |w, c| w.metadata(c),
    );
    assert!(ran.result.is_ok(), "{:?}", ran.p.transcript);
    assert_eq!(coe.leader, "Jane");
    assert!(said(&ran, "A leader is needed"));

    let ran = ask(
        &mut coe,
        Mode::New,
        4,
        &["p99", "not a url", "ftp://x/y", "docs/p99.png", ""],
    );
    assert_eq!(coe.data[0].link.as_deref(), Some("docs/p99.png"));
    assert!(
        said(&ran, "`not a url` is not a link"),
        "{:?}",
        ran.p.transcript
    );
}

#[test]
fn help_is_wrapped_for_an_80_column_terminal() {
    for q in &QUESTIONS {
        let lines = wrap(q.help, 76);
        assert!(lines.iter().all(|l| l.chars().count() <= 76), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            q.help.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
}

#[test]
fn multi_line_answers_become_blocks_and_the_editor_can_write_them() {
    let mut coe = draft();
    ask(&mut coe, Mode::New, 1, &["line one", "line two", "", ""]);
    assert_eq!(coe.what_happened.summary, "line one\nline two\n");
    assert!(
        crate::store::format::to_yaml(&coe).contains("  summary: |\n    line one\n    line two\n")
    );
    ask(
        &mut coe,
        Mode::New,
        2,
        &[":e", "Written\\nin the editor", "", "", ""],
    );
    assert_eq!(coe.impact.customers, "Written\nin the editor\n");
}

/// A complete COE typed in the interview: 3 timeline entries, 3 whys and one entry in
/// every other list, one-line answers. The README says how many prompts that takes.
#[test]
fn the_readme_counts_the_prompts_of_a_complete_coe() {
    let mut coe = draft();
    coe.title = String::new();
    coe.severity = String::new();
    coe.leader = String::new();
    let answers = [
        // Metadata: title, started, severity, leader, services, incident ref, detected,
        // mitigated, resolved.
        "Database deleted",
        "2017-01-31 23:27",
        "SEV1",
        "Jane Doe",
        "db",
        "INC-1",
        "23:40",
        "02:10",
        "", // yes, 02:10 is the next day
        "02:30",
        // 1. Summary, then the timeline.
        "Production data was deleted by a cleanup script.",
        "",
        "23:27",
        "Replication lag alarm",
        "00:36",
        "",
        "Data directory removed",
        "02:10",
        "Site restored",
        "",
        // 2.
        "Customers could not log in for 3 hours.",
        "",
        "5000",
        "Six hours of data lost.",
        "",
        "Affected customers contacted.",
        "",
        // 3.
        "Backups were never tested.",
        "",
        "data",
        "The data directory was removed.",
        "The script ran on the wrong host.",
        "Hosts look alike in the shell prompt.",
        "",
        "none (go on)", // no contributing factor
        // 4.
        "Replication dashboard",
        "https://grafana.example.com/d/db",
        "",
        // 5.
        "None: no data was exposed.",
        "",
        "None.",
        "",
        // 6.
        "Test restores weekly.",
        "",
        // 7.
        "Test backups weekly",
        "prevent",
        "team-db",
        "2017-03-01",
        "open",
        "",
        "",
    ];
    let config = Config::default();
    let mut p = ScriptedPrompter::new(answers);
    let result = {
        let mut save = |_: &Coe, _: &str| -> Result<()> { Ok(()) };
        // A new COE without --started: the start time is asked too.
        let mut walk = Walk::new(&mut p, &config, Mode::New, false, &mut save);
        walk.run(&mut coe, true, &[1, 2, 3, 4, 5, 6, 7])
    };
    let ran = Ran {
        p,
        saves: Vec::new(),
        result,
    };
    assert!(ran.result.is_ok(), "{:#?}", ran.p.transcript);
    assert_eq!(ran.p.remaining(), 0);
    assert!(
        coe.missing(&Config::default()).is_empty(),
        "{:?}",
        coe.missing(&Config::default())
    );
    // Every prompt answered, and the final "ready for review?".
    let prompts = ran
        .p
        .transcript
        .iter()
        .filter(|l| l.starts_with("? "))
        .count()
        + 1;
    assert_eq!(prompts, answers.len() + 1);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme.find("## Writing a COE").unwrap()..];
    assert!(
        section.contains(&format!("| the interview, `coe new` | {prompts} |")),
        "README's \"Writing a COE\" should say {prompts} prompts"
    );
}

#[test]
fn contributing_factors_are_asked_after_the_whys_of_a_new_coe() {
    let mut coe = draft();
    let ran = ask(
        &mut coe,
        Mode::New,
        3,
        &[
            "Config pushes skip staging.",
            "",
            "configuration",
            "a",
            "b",
            "c",
            "",
            "deployment",
            "The push went to every region at once.",
            "none (go on)",
        ],
    );
    assert!(ran.result.is_ok(), "{:#?}", ran.p.transcript);
    assert_eq!(coe.contributing_factors.len(), 1);
    assert_eq!(coe.contributing_factors[0].category, "deployment");
    assert_eq!(
        coe.contributing_factors[0].description,
        "The push went to every region at once."
    );
    // Revisiting question 3 of an answered COE does not ask again.
    let ran = ask(&mut coe, Mode::New, 3, &[]);
    assert!(ran.p.transcript.is_empty(), "{:?}", ran.p.transcript);
}
