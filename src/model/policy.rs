//! The policy of a COE repository, read from `.coe.yaml` as plain data: severities,
//! categories, deadlines, approvals, weights, with their defaults and validation. Finding
//! and reading the file is `store::config`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Deserializer, Serialize};

/// The configuration file's name.
pub const CONFIG_FILE: &str = ".coe.yaml";

/// Phrases that assign blame instead of explaining a system; flagged by `coe check`.
pub const DEFAULT_BLAME_TERMS: &[&str] = &[
    "human error",
    "operator error",
    "user error",
    "careless",
    "carelessness",
    "negligence",
    "negligent",
    "should have known",
    "should have noticed",
    "should have caught",
    "fault of",
    "their fault",
    "his fault",
    "her fault",
    "blame",
    "incompetent",
    "sloppy",
    "lazy",
    "failed to follow",
    "didn't bother",
    "did not bother",
    "stupid",
    "mistake by",
];

/// The tracker statuses `coe actions sync` takes as done when `tracker_done_statuses` is
/// not set.
pub const DEFAULT_DONE_STATUSES: &[&str] = &["Done", "Closed", "Resolved"];

/// `.coe.yaml`. Every key is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where COE files live, relative to `.coe.yaml`.
    pub dir: PathBuf,
    /// A COE must be complete this many days after the incident started: a number, or a map
    /// per severity with `default` for the rest (`{SEV1: 7, default: 30}`).
    pub due_days: DueDays,
    /// Commit every change made by coe new/edit/close to git.
    pub commit: bool,
    /// Allowed severities, most severe first.
    pub severities: Vec<String>,
    /// Allowed root-cause categories.
    pub categories: Vec<String>,
    /// `root_cause.whys` must have at least this many entries.
    pub min_whys: usize,
    /// Phrases the blameless lint flags.
    pub blame_terms: Vec<String>,
    /// How much one minute of an incident of each severity weighs, for ranking incidents
    /// whose number of customers affected is unknown (impact-minutes).
    pub impact_weights: BTreeMap<String, f64>,
    /// Repositories (`[NAME=]DIR`, relative to this file) whose COEs committed on HEAD
    /// `report`, `list` and `actions` read instead of this work tree's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repos: Vec<String>,
    /// The IANA time zone people type times in (`HH:MM`, dates); times are stored as
    /// RFC 3339 with that zone's offset.
    pub timezone: String,
    /// Open `coe new` and `coe edit` in `$VISUAL`/`$EDITOR` instead of asking questions
    /// (also `COE_EDITOR_MODE=1`).
    pub editor: bool,
    /// How far outside the incident an imported timeline reaches: minutes before `started`
    /// and after `resolved` (or `mitigated`).
    pub timeline_margin: TimelineMargin,
    /// Days a corrective action gets, counted from the incident's start, by action kind or
    /// severity (`{prevent: 56, SEV1: 14, default: 30}`): the due date the interview offers,
    /// and the deadline `coe check` holds an action without `due` to. Empty: no default.
    pub action_due_days: BTreeMap<String, u32>,
    /// The tracker statuses that mean done (`coe actions sync` from a Jira CSV export).
    pub tracker_done_statuses: Vec<String>,
    /// Severities whose incidents must have a COE (`coe check --incidents`); every
    /// configured severity when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_coe: Option<Vec<String>>,
    /// Approvals (`review.approvals`) a COE of each severity needs before it is closed, with
    /// `default` for the rest: `{SEV1: 2, SEV2: 1}`. None when absent.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub approvals: BTreeMap<String, u32>,
    /// Whether the COE's leader may approve their own COE.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_self_approval: bool,
    /// Incident-source severities (PagerDuty priorities, incident.io severities, GitHub
    /// labels, Jira priorities) mapped to the configured ones: `{P1: SEV1, Critical: SEV1}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub severity_map: BTreeMap<String, String>,
}

/// Minutes an imported timeline keeps around the incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TimelineMargin {
    /// Minutes before `started`.
    pub before: u32,
    /// Minutes after `resolved` (or `mitigated`, or `started` when neither is known).
    pub after: u32,
}

impl Default for TimelineMargin {
    fn default() -> Self {
        TimelineMargin {
            before: 10,
            after: 30,
        }
    }
}

/// The built-in `due_days`.
pub const DEFAULT_DUE_DAYS: u32 = 14;

/// The key of a per-severity map that applies to every severity not listed.
pub const DEFAULT_KEY: &str = "default";

/// `due_days`: one number for every severity, or one per severity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum DueDays {
    /// The same number of days for every severity.
    All(u32),
    /// Days per severity, with `default` for the severities not listed.
    BySeverity(BTreeMap<String, u32>),
}

impl<'de> Deserialize<'de> for DueDays {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> serde::de::Visitor<'de> for Shape {
            type Value = DueDays;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of days (14) or days per severity ({SEV1: 7, default: 30})")
            }

            fn visit_u64<E: serde::de::Error>(self, days: u64) -> Result<DueDays, E> {
                u32::try_from(days)
                    .map(DueDays::All)
                    .map_err(|_| E::custom(format!("{days} days is too many")))
            }

            fn visit_i64<E: serde::de::Error>(self, days: i64) -> Result<DueDays, E> {
                let days = u64::try_from(days)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(days), &self))?;
                self.visit_u64(days)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<DueDays, A::Error> {
                BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(DueDays::BySeverity)
            }
        }
        d.deserialize_any(Shape)
    }
}

impl DueDays {
    /// The days a COE of `severity` has to be complete.
    pub fn for_severity(&self, severity: &str) -> u32 {
        match self {
            DueDays::All(days) => *days,
            DueDays::BySeverity(map) => per_severity(map, severity).unwrap_or(DEFAULT_DUE_DAYS),
        }
    }

    /// The days for a severity the map does not name (`default`, or the single number).
    pub fn default_days(&self) -> u32 {
        self.for_severity(DEFAULT_KEY)
    }
}

impl fmt::Display for DueDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueDays::All(days) => write!(f, "{days}"),
            DueDays::BySeverity(map) => {
                let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
        }
    }
}

/// A per-severity map's value for `severity`, else its `default`.
fn per_severity(map: &BTreeMap<String, u32>, severity: &str) -> Option<u32> {
    map.get(severity).or_else(|| map.get(DEFAULT_KEY)).copied()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            dir: PathBuf::from("coes"),
            due_days: DueDays::All(DEFAULT_DUE_DAYS),
            commit: true,
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            categories: [
                "deployment",
                "configuration",
                "capacity",
                "dependency",
                "software-defect",
                "hardware",
                "network",
                "security",
                "data",
                "process",
                "other",
            ]
            .map(String::from)
            .to_vec(),
            min_whys: 3,
            blame_terms: DEFAULT_BLAME_TERMS.iter().map(|s| s.to_string()).collect(),
            impact_weights: [("SEV1", 10.0), ("SEV2", 4.0), ("SEV3", 1.0), ("SEV4", 0.25)]
                .map(|(s, w)| (s.to_string(), w))
                .into(),
            repos: Vec::new(),
            timezone: "UTC".into(),
            editor: false,
            timeline_margin: TimelineMargin::default(),
            action_due_days: Default::default(),
            tracker_done_statuses: DEFAULT_DONE_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            requires_coe: None,
            approvals: BTreeMap::new(),
            allow_self_approval: false,
            severity_map: BTreeMap::new(),
        }
    }
}

impl Config {
    /// The first key whose value makes no sense, and why.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        fn duplicate(items: &[String]) -> Option<&String> {
            items
                .iter()
                .enumerate()
                .find(|(i, x)| items[..*i].contains(x))
                .map(|(_, x)| x)
        }
        if self.dir.as_os_str().is_empty() {
            return Some(("dir", "must name a directory, such as `coes`".into()));
        }
        let due_days: Vec<(&str, u32)> = match &self.due_days {
            DueDays::All(days) => vec![("", *days)],
            DueDays::BySeverity(map) => map.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        };
        if let Some((key, days)) = due_days.iter().find(|(_, days)| *days > 3650) {
            let which = if key.is_empty() {
                String::new()
            } else {
                format!(" for {key}")
            };
            return Some((
                "due_days",
                format!("is {days}{which}; it must be at most 3650 (ten years)"),
            ));
        }
        if !(1..=20).contains(&self.min_whys) {
            return Some((
                "min_whys",
                format!("is {}; it must be from 1 to 20", self.min_whys),
            ));
        }
        for (key, list) in [
            ("severities", &self.severities),
            ("categories", &self.categories),
        ] {
            if list.is_empty() {
                return Some((key, "must list at least one value".into()));
            }
            if let Some(item) = list.iter().find(|s| s.trim().is_empty()) {
                return Some((key, format!("has an empty value ({item:?})")));
            }
            if let Some(item) = duplicate(list) {
                return Some((key, format!("lists `{item}` twice")));
            }
        }
        if let Some((severity, weight)) = self
            .impact_weights
            .iter()
            .find(|(_, w)| !w.is_finite() || **w < 0.0 || **w > 1e6)
        {
            return Some((
                "impact_weights",
                format!(
                    "gives {severity} the weight {weight}; a weight is a number from 0 to 1000000"
                ),
            ));
        }
        if let Err(e) = crate::model::times::Clock::named(&self.timezone) {
            return Some(("timezone", e));
        }
        if let Some(problem) = self.action_due_days_problem() {
            return Some(("action_due_days", problem));
        }
        if self
            .tracker_done_statuses
            .iter()
            .all(|s| s.trim().is_empty())
        {
            return Some((
                "tracker_done_statuses",
                "must list at least one status, such as `Done`".into(),
            ));
        }
        if self.blame_terms.iter().any(|t| t.trim().is_empty()) {
            return Some((
                "blame_terms",
                "has an empty phrase, which would match everything".into(),
            ));
        }
        self.policy_problem()
    }

    /// The first problem with the policy keys: every severity they name is configured.
    fn policy_problem(&self) -> Option<(&'static str, String)> {
        let known = |s: &str| self.severities.iter().any(|c| c == s);
        let list = self.severities.join(", ");
        let unknown_key = |map_keys: Vec<&String>| {
            map_keys
                .into_iter()
                .find(|k| k.as_str() != DEFAULT_KEY && !known(k))
                .map(|k| {
                    format!("names `{k}`, which is not one of the severities ({list}) or `default`")
                })
        };
        if let DueDays::BySeverity(map) = &self.due_days {
            if let Some(problem) = unknown_key(map.keys().collect()) {
                return Some(("due_days", problem));
            }
            let unlisted: Vec<&str> = self
                .severities
                .iter()
                .filter(|s| !map.contains_key(*s))
                .map(String::as_str)
                .collect();
            if !map.contains_key(DEFAULT_KEY) && !unlisted.is_empty() {
                return Some((
                    "due_days",
                    format!(
                        "has no days for {}; add them or a `default`",
                        unlisted.join(", ")
                    ),
                ));
            }
        }
        if let Some(problem) = unknown_key(self.approvals.keys().collect()) {
            return Some(("approvals", problem));
        }
        if let Some((key, n)) = self.approvals.iter().find(|(_, n)| **n > 10) {
            return Some((
                "approvals",
                format!("asks for {n} approvals for {key}; at most 10"),
            ));
        }
        if let Some(requires) = &self.requires_coe {
            if let Some(s) = requires.iter().find(|s| !known(s)) {
                return Some((
                    "requires_coe",
                    format!("names `{s}`, which is not one of the severities ({list})"),
                ));
            }
        }
        if let Some((from, to)) = self.severity_map.iter().find(|(_, to)| !known(to)) {
            return Some((
                "severity_map",
                format!("maps `{from}` to `{to}`, which is not one of the severities ({list})"),
            ));
        }
        None
    }

    fn action_due_days_problem(&self) -> Option<String> {
        for (key, days) in &self.action_due_days {
            let known = key == "default"
                || crate::model::kinds::ActionKind::ALL
                    .iter()
                    .any(|k| k.as_str() == key)
                || self.severities.contains(key);
            if !known {
                return Some(format!(
                    "has the key `{key}`, which is neither an action kind ({}), a configured \
                     severity ({}) nor `default`",
                    crate::model::kinds::ActionKind::ALL
                        .map(|k| k.as_str())
                        .join(", "),
                    self.severities.join(", ")
                ));
            }
            if *days > 3650 {
                return Some(format!(
                    "gives `{key}` {days} days; at most 3650 (ten years)"
                ));
            }
        }
        None
    }

    /// The due date a corrective action of `kind` in a COE of `severity` gets by default:
    /// the incident's start plus `action_due_days` for the kind, else for the severity,
    /// else `default`; None when none of them is configured.
    pub fn default_action_due(
        &self,
        kind: Option<crate::model::kinds::ActionKind>,
        severity: &str,
        started: jiff::civil::Date,
    ) -> Option<jiff::civil::Date> {
        let days = kind
            .and_then(|k| self.action_due_days.get(k.as_str()))
            .or_else(|| self.action_due_days.get(severity))
            .or_else(|| self.action_due_days.get("default"))?;
        Some(crate::model::dates::add_days(started, i64::from(*days)))
    }

    /// Whether incidents of `severity` must have a COE (`requires_coe`).
    pub fn requires_coe(&self, severity: &str) -> bool {
        match &self.requires_coe {
            Some(list) => list.iter().any(|s| s == severity),
            None => true,
        }
    }

    /// The approvals a COE of `severity` needs before it can be closed.
    pub fn approvals_for(&self, severity: &str) -> u32 {
        self.approvals
            .get(severity)
            .or_else(|| self.approvals.get(DEFAULT_KEY))
            .copied()
            .unwrap_or(0)
    }

    /// The configured severity an incident source's severity stands for: through
    /// `severity_map` (exactly, then ignoring case), else a configured severity of the same
    /// name ignoring case.
    pub fn map_severity(&self, source: &str) -> Option<&str> {
        let source = source.trim();
        if let Some(to) = self.severity_map.get(source) {
            return Some(to);
        }
        if let Some((_, to)) = self
            .severity_map
            .iter()
            .find(|(from, _)| from.eq_ignore_ascii_case(source))
        {
            return Some(to);
        }
        self.severities
            .iter()
            .find(|s| s.eq_ignore_ascii_case(source))
            .map(String::as_str)
    }

    /// Parses configuration text; an empty file is the defaults.
    pub fn parse(text: &str) -> Result<Config, serde_yaml::Error> {
        if text.trim().is_empty()
            || text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            return Ok(Config::default());
        }
        serde_yaml::from_str(text)
    }

    /// The impact weight of `severity`: its `impact_weights` entry, else none (the
    /// severity's incidents then have no impact-minutes).
    pub fn impact_weight(&self, severity: &str) -> Option<f64> {
        self.impact_weights.get(severity.trim()).copied()
    }

    /// The zone people type times in (UTC when `timezone` is not a known zone, which
    /// `problem` reports when the configuration is loaded).
    pub fn clock(&self) -> crate::model::times::Clock {
        crate::model::times::Clock::named(&self.timezone).unwrap_or_default()
    }

    /// The index of a severity in the configured list (0 is the most severe).
    pub fn severity_rank(&self, severity: &str) -> usize {
        self.severities
            .iter()
            .position(|s| s == severity)
            .unwrap_or(self.severities.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_default() {
        assert_eq!(Config::parse("").ok(), Some(Config::default()));
        assert_eq!(Config::parse("# nothing\n").ok(), Some(Config::default()));
    }

    #[test]
    fn partial_keeps_defaults() {
        let c = Config::parse("due_days: 7\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.due_days, DueDays::All(7));
        assert_eq!(c.min_whys, 3);
        let c =
            Config::parse("impact_weights: {SEV1: 20, P0: 50}\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.impact_weight("SEV1"), Some(20.0));
        assert_eq!(c.impact_weight("P0"), Some(50.0));
        assert_eq!(
            c.impact_weight("SEV2"),
            None,
            "the map replaces the defaults"
        );
        assert_eq!(Config::default().impact_weight("SEV4"), Some(0.25));
    }

    #[test]
    fn senseless_values_are_refused() {
        let bad = |text: &str| {
            Config::parse(text)
                .ok()
                .and_then(|c| c.problem())
                .map(|(k, _)| k)
        };
        assert_eq!(bad("due_days: 99999999\n"), Some("due_days"));
        assert_eq!(bad("min_whys: 0\n"), Some("min_whys"));
        assert_eq!(bad("severities: []\n"), Some("severities"));
        assert_eq!(bad("categories: [a, b, a]\n"), Some("categories"));
        assert_eq!(bad("blame_terms: [\"\"]\n"), Some("blame_terms"));
        assert_eq!(bad("impact_weights: {SEV1: -1}\n"), Some("impact_weights"));
        assert_eq!(
            bad("impact_weights: {SEV1: .nan}\n"),
            Some("impact_weights")
        );
        assert_eq!(bad("timezone: Mars/Base\n"), Some("timezone"));
        assert_eq!(bad("due_days: 0\nmin_whys: 5\n"), None);
        assert_eq!(bad("timezone: Asia/Tokyo\n"), None);
        assert_eq!(
            bad("action_due_days: {preventt: 5}\n"),
            Some("action_due_days")
        );
        assert_eq!(
            bad("action_due_days: {SEV1: 99999}\n"),
            Some("action_due_days")
        );
        assert_eq!(
            bad("tracker_done_statuses: []\n"),
            Some("tracker_done_statuses")
        );
        assert_eq!(
            bad("action_due_days: {prevent: 56, SEV1: 7, default: 30}\n"),
            None
        );
        assert_eq!(Config::default().problem(), None);
    }

    #[test]
    fn action_due_days_by_kind_then_severity_then_default() {
        use crate::model::kinds::ActionKind;
        let c = Config::parse("action_due_days: {prevent: 56, SEV1: 7, default: 30}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let started = jiff::civil::date(2026, 11, 22);
        let due = |kind, severity| c.default_action_due(kind, severity, started);
        assert_eq!(
            due(Some(ActionKind::Prevent), "SEV1"),
            Some(jiff::civil::date(2027, 1, 17))
        );
        assert_eq!(
            due(Some(ActionKind::Detect), "SEV1"),
            Some(jiff::civil::date(2026, 11, 29))
        );
        assert_eq!(due(None, "SEV3"), Some(jiff::civil::date(2026, 12, 22)));
        assert_eq!(
            Config::default().default_action_due(None, "SEV1", started),
            None
        );
    }

    #[test]
    fn policy_keys() {
        let c = Config::parse(
            "due_days: {SEV1: 7, default: 30}\nrequires_coe: [SEV1, SEV2]\n\
             approvals: {SEV1: 2, default: 1}\nseverity_map: {P1: SEV1, high: SEV2}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.problem(), None);
        assert_eq!(c.due_days.for_severity("SEV1"), 7);
        assert_eq!(c.due_days.for_severity("SEV3"), 30);
        assert!(c.requires_coe("SEV2") && !c.requires_coe("SEV3"));
        assert_eq!((c.approvals_for("SEV1"), c.approvals_for("SEV4")), (2, 1));
        assert_eq!(c.map_severity("p1"), Some("SEV1"));
        assert_eq!(c.map_severity("HIGH"), Some("SEV2"));
        assert_eq!(c.map_severity("sev3"), Some("SEV3"));
        assert_eq!(c.map_severity("low"), None);
        // An old configuration reads unchanged: one number, no policy.
        let old = Config::parse("due_days: 10\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.due_days.for_severity("SEV1"), 10);
        assert!(old.requires_coe("SEV4"));
        assert_eq!(old.approvals_for("SEV1"), 0);
    }

    #[test]
    fn policy_names_only_configured_severities() {
        let bad = |text: &str| {
            Config::parse(text)
                .ok()
                .and_then(|c| c.problem())
                .map(|(k, why)| format!("{k}: {why}"))
        };
        assert_eq!(
            bad("due_days: {SEV1: 7, SEV2: 14}\n").as_deref(),
            Some("due_days: has no days for SEV3, SEV4; add them or a `default`")
        );
        assert!(bad("due_days: {SEV9: 7, default: 3}\n")
            .is_some_and(|p| p.starts_with("due_days: names `SEV9`")));
        assert!(bad("approvals: {P1: 1}\n").is_some_and(|p| p.starts_with("approvals:")));
        assert!(bad("requires_coe: [sev1]\n").is_some_and(|p| p.starts_with("requires_coe:")));
        assert!(bad("severity_map: {P1: S1}\n").is_some_and(|p| p.starts_with("severity_map:")));
        let err = Config::parse("due_days: soon\n").unwrap_err().to_string();
        assert!(err.contains("days per severity"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        assert!(Config::parse("due_dayz: 7\n").is_err());
    }
}
