//! Each per-COE rule on a small COE that breaks it, and one that does not.
use super::*;
use crate::store::format;

fn today() -> Date {
    jiff::civil::date(2026, 11, 25)
}

fn base(started: &str) -> Coe {
    let text = format!(
        r#"version: 1
id: 2026-11-22-x
title: Checkout latency spike
status: review
severity: SEV2
leader: Jane
incident:
  started: "{started}"
what_happened:
  summary: A config change.
  timeline:
    - at: "{started}"
      event: pushed
impact:
  customers: Checkout failed.
  business: Orders delayed.
  remediation: Fees refunded.
root_cause:
  summary: Unstaged pushes.
  category: configuration
  whys: [a, b, c]
data:
  - description: latency graph
implications:
  security: "None: timeouts only."
lessons: [stage config]
corrective_actions:
  - id: CA-1
    action: Stage config pushes
    kind: prevent
    owner: team-platform
    due: "2026-12-15"
    status: open
"#
    );
    format::parse(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn rules_of(coe: &Coe) -> Vec<(Rule, Severity, Option<String>)> {
    check_coe(
        coe,
        &format!("{}.yaml", coe.id),
        &Config::default(),
        today(),
    )
    .into_iter()
    .map(|i| (i.rule, i.severity, i.field))
    .collect()
}

#[test]
fn a_complete_coe_has_no_issues() {
    assert_eq!(rules_of(&base("2026-11-22T09:58:00Z")), []);
    assert_eq!(rules_of(&base("2026-10-01T09:58:00Z")), []);
}

#[test]
fn the_due_window_decides_error_or_note() {
    let mut coe = base("2026-11-11T09:58:00Z");
    coe.implications.security = "TODO".into();
    // Started exactly `due_days` ago: still in the window.
    assert_eq!(
        rules_of(&coe),
        [
            (Rule::Incomplete, Severity::Note, None),
            (
                Rule::Security,
                Severity::Warning,
                Some("implications.security".into())
            ),
        ]
    );
    coe.incident.started = "2026-11-10T23:59:00Z".parse().unwrap();
    coe.what_happened.timeline.clear();
    assert_eq!(
        rules_of(&coe),
        [
            (
                Rule::Incomplete,
                Severity::Error,
                Some("what_happened.timeline".into())
            ),
            (
                Rule::Incomplete,
                Severity::Error,
                Some("implications.security".into())
            ),
        ]
    );
}

#[test]
fn a_closed_incomplete_coe_is_an_error_even_in_the_window() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.status = Status::Closed;
    coe.root_cause.whys.truncate(1);
    let issues = check_coe(&coe, "2026-11-22-x.yaml", &Config::default(), today());
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].rule, Rule::Incomplete);
    assert_eq!(issues[0].severity, Severity::Error);
    assert!(
        issues[0].message.contains("closed"),
        "{}",
        issues[0].message
    );
}

#[test]
fn empty_severity_and_category_in_a_draft_are_missing_not_invalid() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.status = Status::Draft;
    coe.severity = String::new();
    coe.root_cause.category = "TBD".into();
    assert_eq!(rules_of(&coe), [(Rule::Incomplete, Severity::Note, None)]);
    coe.severity = "SEV9".into();
    coe.root_cause.category = "gremlins".into();
    let rules: Vec<Rule> = rules_of(&coe).into_iter().map(|r| r.0).collect();
    assert_eq!(rules, [Rule::Severity, Rule::Category]);
}

#[test]
fn contributing_factor_categories_are_configured_ones() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.contributing_factors = vec![
        crate::model::coe::ContributingFactor {
            category: "deployment".into(),
            description: "The push skipped the canary.".into(),
        },
        crate::model::coe::ContributingFactor {
            category: "gremlins".into(),
            description: "x".into(),
        },
    ];
    let issues = check_coe(&coe, "2026-11-22-x.yaml", &Config::default(), today());
    let found: Vec<(Rule, Option<&str>)> = issues
        .iter()
        .map(|i| (i.rule, i.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [(Rule::Category, Some("contributing_factors[1].category"))]
    );
}

#[test]
fn times_in_order() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.incident.detected = Some("2026-11-22T10:04:00Z".parse().unwrap());
    coe.incident.mitigated = Some("2026-11-22T10:00:00Z".parse().unwrap());
    coe.incident.resolved = Some("2026-11-22T10:02:00+00:00".parse().unwrap());
    let issues = check_coe(&coe, "2026-11-22-x.yaml", &Config::default(), today());
    let fields: Vec<_> = issues.iter().filter_map(|i| i.field.as_deref()).collect();
    // resolved is after mitigated but before detected: compared with the latest time.
    assert_eq!(fields, ["incident.mitigated", "incident.resolved"]);
    // An offset other than Z compares as an instant, not as text.
    coe.incident.mitigated = Some("2026-11-22T11:10:00+01:00".parse().unwrap());
    coe.incident.resolved = None;
    assert_eq!(rules_of(&coe), []);
}

#[test]
fn blame_names_the_phrase_and_the_field() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.root_cause.whys[1] = "Human error by the on-call engineer.".into();
    let issues = check_coe(&coe, "2026-11-22-x.yaml", &Config::default(), today());
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field.as_deref(), Some("root_cause.whys[1]"));
    assert_eq!(
        issues[0].message,
        "blame language \"human error\": ask why the system allowed the mistake: describe \
             the missing guardrail"
    );
}

#[test]
fn overdue_actions_count_days_late() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.corrective_actions[0].due = Some(jiff::civil::date(2026, 11, 24));
    let issues = check_coe(&coe, "2026-11-22-x.yaml", &Config::default(), today());
    assert_eq!(issues.len(), 1);
    assert!(issues[0].message.contains("is 1 day late"), "{issues:?}");
    coe.corrective_actions[0].status = crate::model::kinds::ActionStatus::Done;
    assert_eq!(
        rules_of(&coe),
        [(
            Rule::DoneDate,
            Severity::Note,
            Some("corrective_actions[0].status".to_string())
        )]
    );
    coe.corrective_actions[0].done = Some(jiff::civil::date(2026, 11, 23));
    assert_eq!(rules_of(&coe), []);
}

#[test]
fn overdue_counts_from_action_due_days_when_an_action_has_no_due_date() {
    let mut coe = base("2026-11-02T09:58:00Z");
    coe.corrective_actions[0].due = None;
    coe.corrective_actions[0].kind = Some(crate::model::kinds::ActionKind::Detect);
    let config = Config::parse("action_due_days: {detect: 14, default: 60}\n").unwrap();
    let overdue: Vec<String> = check_coe(&coe, "2026-11-02-x.yaml", &config, today())
        .into_iter()
        .filter(|i| i.rule == Rule::OverdueAction)
        .map(|i| i.message)
        .collect();
    assert_eq!(
        overdue,
        [
            "corrective action CA-1 is 9 days late: due on 2026-11-16 by action_due_days and \
              still open (owner team-platform)"
        ]
    );
    // Without the key, an action without a due date is never overdue (the old behaviour).
    let none = check_coe(&coe, "2026-11-02-x.yaml", &Config::default(), today());
    assert!(none.iter().all(|i| i.rule != Rule::OverdueAction));
}

#[test]
fn ids_and_file_names() {
    let mut coe = base("2026-11-22T09:58:00Z");
    let issues = check_coe(&coe, "other.yaml", &Config::default(), today());
    assert_eq!(issues[0].rule, Rule::FileName);
    coe.id = "../../etc/passwd".into();
    let issues = check_coe(&coe, "passwd.yaml", &Config::default(), today());
    assert_eq!(issues.len(), 1, "a bad id is not also a file-name problem");
    assert_eq!(issues[0].rule, Rule::Id);
}

#[test]
fn remediation_is_asked_when_customers_were_affected() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.impact.remediation = "TODO".into();
    assert_eq!(
        rules_of(&coe),
        [(
            Rule::Remediation,
            Severity::Warning,
            Some("impact.remediation".into())
        )]
    );
    coe.impact.customers_affected = Some(0);
    assert_eq!(rules_of(&coe), [], "nobody affected: nothing to remediate");
    coe.impact.customers_affected = None;
    coe.impact.customers = "None: the fallback served every request.".into();
    assert_eq!(rules_of(&coe), []);
    coe.impact.customers = "TODO".into();
    let rules: Vec<Rule> = rules_of(&coe).into_iter().map(|r| r.0).collect();
    assert!(
        !rules.contains(&Rule::Remediation),
        "question 2 not started: {rules:?}"
    );
}

#[test]
fn prevention_wants_one_preventive_action() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.corrective_actions[0].kind = Some(ActionKind::Detect);
    assert_eq!(
        rules_of(&coe),
        [(
            Rule::Prevention,
            Severity::Warning,
            Some("corrective_actions".into())
        )]
    );
    let mut second = coe.corrective_actions[0].clone();
    second.id = "CA-2".into();
    second.kind = Some(ActionKind::Prevent);
    coe.corrective_actions.push(second);
    assert_eq!(rules_of(&coe), []);
}

#[test]
fn closed_coes_need_their_approvals() {
    let mut config = Config::default();
    config.approvals.insert("SEV2".into(), 1);
    let mut coe = base("2026-11-22T09:58:00Z");
    let rules = |coe: &Coe, config: &Config| -> Vec<Rule> {
        check_coe(coe, "2026-11-22-x.yaml", config, today())
            .into_iter()
            .map(|i| i.rule)
            .collect()
    };
    assert_eq!(rules(&coe, &config), [], "not closed yet");
    coe.status = Status::Closed;
    assert_eq!(rules(&coe, &config), [Rule::Approvals]);
    // The leader's own approval does not count, unless allowed.
    coe.review.approvals.push(crate::model::coe::Approval {
        by: "jane".into(),
        on: today(),
    });
    assert_eq!(rules(&coe, &config), [Rule::Approvals]);
    config.allow_self_approval = true;
    assert_eq!(rules(&coe, &config), []);
    config.allow_self_approval = false;
    coe.review.approvals.push(crate::model::coe::Approval {
        by: "Sam Lee".into(),
        on: today(),
    });
    assert_eq!(rules(&coe, &config), []);
}

#[test]
fn actions_are_named_by_id() {
    let mut coe = base("2026-11-22T09:58:00Z");
    assert_eq!(display_field(&coe, "corrective_actions[0].due"), "CA-1.due");
    assert_eq!(
        display_field(&coe, "corrective_actions[3].due"),
        "corrective_actions[3].due"
    );
    assert_eq!(
        display_field(&coe, "root_cause.whys[1]"),
        "root_cause.whys[1]"
    );
    coe.corrective_actions
        .push(coe.corrective_actions[0].clone());
    assert_eq!(
        display_field(&coe, "corrective_actions[1].id"),
        "corrective_actions[1].id",
        "a duplicated id names no single action"
    );
}

#[test]
fn duplicate_action_ids() {
    let mut coe = base("2026-11-22T09:58:00Z");
    coe.corrective_actions
        .push(coe.corrective_actions[0].clone());
    assert_eq!(
        rules_of(&coe),
        [(
            Rule::DuplicateActionId,
            Severity::Error,
            Some("corrective_actions[1].id".into())
        )]
    );
}

#[test]
fn unanswered_lists_each_questions_fields_in_order() {
    assert_eq!(
        unanswered(&[
            (Some(3), "root_cause.category"),
            (Some(2), "impact.customers"),
            (Some(3), "root_cause.whys"),
            (Some(7), "corrective_actions"),
        ]),
        "questions 2 (impact.customers), 3 (root_cause.category, root_cause.whys) and 7 \
         (corrective_actions) unanswered"
    );
    assert_eq!(
        unanswered(&[(None, "severity"), (Some(6), "lessons")]),
        "the severity is not set; question 6 (lessons) unanswered"
    );
}
