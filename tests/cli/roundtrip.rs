//! Property: any valid COE written as YAML reads back as the same COE, and writing it again
//! gives the same bytes.

use coe::model::coe::{
    Coe, ContributingFactor, CorrectiveAction, DataPoint, Impact, Implications, Incident,
    RootCause, TimelineEntry, WhatHappened,
};
use coe::model::dates::Stamp;
use coe::model::kinds::ActionKind;
use coe::model::kinds::ActionStatus;
use coe::model::kinds::Status;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.:;'\"#|>*&!%@`{}\\[\\]-]{0,40}",
        "(no|yes|on|off|null|~|true|1e3|0x1f|2026-12-15|- x|\\? y)",
        "[a-z ]{1,20}(\n[a-z :#-]{0,20}){1,4}\n{0,3}",
        any::<String>(),
    ]
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (1_500_000_000i64..2_000_000_000)
        .prop_map(|s| Stamp::from(jiff::Timestamp::from_second(s).unwrap()))
}

fn date() -> impl Strategy<Value = jiff::civil::Date> {
    (0i32..3650).prop_map(|d| {
        jiff::civil::date(2020, 1, 1)
            .checked_add(jiff::Span::new().days(d))
            .unwrap()
    })
}

prop_compose! {
    fn action()(id in text(), action in text(), kind in prop::option::of(prop::sample::select(ActionKind::ALL.to_vec())),
                owner in text(), due in prop::option::of(date()), status in prop::sample::select(ActionStatus::ALL.to_vec()),
                done in prop::option::of(date()), reason in prop::option::of(text()),
                link in prop::option::of(text())) -> CorrectiveAction {
        CorrectiveAction { id, action, kind, owner, due, status, done, reason, link }
    }
}

prop_compose! {
    fn coe()(title in text(), status in prop::sample::select(Status::ALL.to_vec()), severity in text(), leader in text(),
             incident_ref in prop::option::of(text()), services in prop::collection::vec(text(), 0..4),
             tags in prop::collection::vec(text(), 0..3), started in stamp(), detected in prop::option::of(stamp()),
             summary in text(), timeline in prop::collection::vec((stamp(), text()), 0..4),
             customers in text(), affected in prop::option::of(any::<u64>()), business in text(), remediation in text(),
             cause in text(), category in text(), whys in prop::collection::vec(text(), 0..6),
             data in prop::collection::vec((text(), prop::option::of(text())), 0..3),
             security in text(), other in text(), lessons in prop::collection::vec(text(), 0..3),
             actions in prop::collection::vec(action(), 0..3),
             factors in prop::collection::vec((text(), text()), 0..3)) -> Coe {
        Coe {
            version: 1,
            id: "2026-11-22-generated".into(),
            title, status, severity, leader, incident_ref, services, tags,
            incident: Incident { started, detected, mitigated: None, resolved: None },
            what_happened: WhatHappened { summary, timeline: timeline.into_iter().map(|(at, event)| TimelineEntry { at, event }).collect() },
            impact: Impact { customers, customers_affected: affected, business, remediation },
            root_cause: RootCause { summary: cause, category, whys },
            data: data.into_iter().map(|(description, link)| DataPoint { description, link }).collect(),
            implications: Implications { security, other },
            lessons,
            corrective_actions: actions,
            contributing_factors: factors.into_iter().map(|(category, description)| ContributingFactor { category, description }).collect(),
            review: Default::default(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_coe_round_trips(c in coe()) {
        let yaml = coe::store::format::to_yaml(&c);
        let back = coe::store::format::parse(&yaml).map_err(|e| TestCaseError::fail(format!("{e:?}\n{yaml}")))?;
        prop_assert_eq!(&back, &c, "{}", yaml);
        prop_assert_eq!(coe::store::format::to_yaml(&back), yaml);
    }
}
