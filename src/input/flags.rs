//! The fields of a COE given as flags to `coe new` (`--title`, `--started`, `--event`,
//! `--action`, ...), and the COE made from them before anything is asked.

use anyhow::Result;

use crate::error::UserError;
use crate::input::interview;
use crate::input::session::{flag_name, parse_action, parse_data};
use crate::model::coe::{self, Coe, DataPoint, TimelineEntry};
use crate::model::dates::Stamp;
use crate::model::kinds::Status;
use crate::model::times::Placed;
use crate::output::ui;
use crate::store::Repo;

/// The COE's metadata and answers, each as a flag; a field given is not asked.
#[derive(Debug, Default, clap::Args)]
pub struct CoeFlags {
    /// One line that names the incident (the id is made from it)
    #[arg(long, value_name = "TEXT", help_heading = "Metadata")]
    pub title: Option<String>,
    /// One of the configured severities, e.g. SEV2
    #[arg(long, value_name = "SEV", help_heading = "Metadata")]
    pub severity: Option<String>,
    /// Who leads this COE
    #[arg(long, value_name = "NAME", help_heading = "Metadata")]
    pub leader: Option<String>,
    /// A service involved (repeatable, or comma-separated)
    #[arg(long = "service", value_name = "NAME", help_heading = "Metadata")]
    pub services: Vec<String>,
    /// A tag (repeatable, or comma-separated)
    #[arg(long = "tag", value_name = "TAG", help_heading = "Metadata")]
    pub tags: Vec<String>,
    /// The incident's id in the paging or ticket system
    #[arg(long, value_name = "REF", help_heading = "Metadata")]
    pub incident_ref: Option<String>,
    /// When customers were first affected (RFC 3339; default: now)
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub started: Option<String>,
    /// When the team knew (RFC 3339, or HH:MM on the start day, UTC)
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub detected: Option<String>,
    /// When customers stopped being affected
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub mitigated: Option<String>,
    /// When the incident was fully over
    #[arg(long, value_name = "TIME", help_heading = "Metadata")]
    pub resolved: Option<String>,

    /// 1. What happened, in a few sentences
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub summary: Option<String>,
    /// 1. A timeline event, "TIME EVENT" (repeatable), e.g. "09:58 Config pushed"
    #[arg(long = "event", value_name = "TIME EVENT", help_heading = "Answers")]
    pub events: Vec<String>,
    /// 2. What customers could not do, how many, for how long
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub customers: Option<String>,
    /// 2. How many customers were affected
    #[arg(long, value_name = "N", help_heading = "Answers")]
    pub customers_affected: Option<u64>,
    /// 2. The cost to the business
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub business: Option<String>,
    /// 2. What was done to make it right for customers
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub remediation: Option<String>,
    /// 3. The root cause, in a few sentences
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub root_cause: Option<String>,
    /// 3. One of the configured root-cause categories
    #[arg(long, value_name = "NAME", help_heading = "Answers")]
    pub category: Option<String>,
    /// 3. One answer to "why?" (repeatable, in order)
    #[arg(long = "why", value_name = "TEXT", help_heading = "Answers")]
    pub whys: Vec<String>,
    /// 3. A contributing factor, "CATEGORY:WHAT CONTRIBUTED" with a configured category
    ///    (repeatable)
    #[arg(
        long = "factor",
        value_name = "CATEGORY:TEXT",
        help_heading = "Answers"
    )]
    pub factors: Vec<String>,
    /// 4. Evidence, "DESCRIPTION" or "DESCRIPTION <URL>" (repeatable)
    #[arg(long = "data", value_name = "TEXT", help_heading = "Answers")]
    pub data: Vec<String>,
    /// 5. Security implications ("None: ..." is an answer)
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub security: Option<String>,
    /// 5. Other critical implications
    #[arg(long, value_name = "TEXT", help_heading = "Answers")]
    pub other_implications: Option<String>,
    /// 6. A lesson learned (repeatable)
    #[arg(long = "lesson", value_name = "TEXT", help_heading = "Answers")]
    pub lessons: Vec<String>,
    /// 7. A corrective action, "ACTION; kind=prevent; owner=team; due=2026-12-15[; status=open][; link=URL]" (repeatable)
    #[arg(long = "action", value_name = "SPEC", help_heading = "Answers")]
    pub actions: Vec<String>,
}

/// A COE from the flags, and whether its start time was given.
pub fn from_flags(args: &CoeFlags, repo: &Repo) -> Result<(Coe, bool)> {
    let config = &repo.config;
    let clock = config.clock();
    let bad = |flag: &str, e: String| -> anyhow::Error {
        UserError::new(format!("--{flag}: {e}")).into()
    };
    let started_known = args.started.is_some();
    let started: Stamp = match &args.started {
        Some(s) => clock.parse(s, None).map_err(|e| bad("started", e))?,
        None => Stamp::from(jiff::Timestamp::now()),
    };
    // Each time is at or after the one before it; an `HH:MM` that would be earlier is the
    // next day, and the note says so (nobody is there to ask).
    let mut previous = (started.clone(), "--started");
    let mut place = |flag: &'static str, text: &str| -> Result<Stamp> {
        let stamp = match clock
            .place_after(text, &previous.0)
            .map_err(|e| bad(flag, e))?
        {
            Placed::InOrder(s) => s,
            Placed::NextDay(s) => {
                ui::note(format!(
                    "--{flag} {text}: before {} ({}), so taken as {}, the next day.",
                    previous.1,
                    clock.show(&previous.0),
                    clock.show(&s)
                ));
                s
            }
            Placed::Before(s) => {
                return Err(bad(
                    flag,
                    format!(
                        "{} is before {} ({}): times go started, detected, mitigated, resolved",
                        clock.show(&s),
                        previous.1,
                        clock.show(&previous.0)
                    ),
                ))
            }
        };
        previous = (stamp.clone(), flag_name(flag));
        Ok(stamp)
    };
    let mut time = |flag: &'static str, value: &Option<String>| -> Result<Option<Stamp>> {
        value.as_deref().map(|text| place(flag, text)).transpose()
    };
    let detected = time("detected", &args.detected)?;
    let mitigated = time("mitigated", &args.mitigated)?;
    let resolved = time("resolved", &args.resolved)?;

    if let Some(sev) = &args.severity {
        if !config.severities.contains(sev) {
            return Err(UserError::new(format!(
                "--severity {sev}: not one of the configured severities ({})",
                config.severities.join(", ")
            ))
            .into());
        }
    }
    if let Some(cat) = &args.category {
        if !config.categories.contains(cat) {
            return Err(UserError::new(format!(
                "--category {cat}: not one of the configured categories ({})",
                config.categories.join(", ")
            ))
            .into());
        }
    }
    // Events in the order given: the first on the start day (it may come before `started`),
    // each later `HH:MM` on the day that keeps the order, said in a note when that is the
    // next day.
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    for e in &args.events {
        let (at, event) = e
            .split_once(' ')
            .ok_or_else(|| bad("event", format!("`{e}`: expected \"TIME EVENT\"")))?;
        let event = event.trim().to_string();
        if event.is_empty() {
            return Err(bad("event", format!("`{e}`: the event has no text")));
        }
        let at = match timeline.last() {
            None => clock
                .parse(at, Some(clock.day_of(&started)))
                .map_err(|err| bad("event", err))?,
            Some(last) => match clock
                .place_after(at, &last.at)
                .map_err(|err| bad("event", err))?
            {
                Placed::InOrder(s) | Placed::Before(s) => s,
                Placed::NextDay(s) => {
                    ui::note(format!(
                        "--event {e}: before the event before it, so taken as {}, the next day.",
                        clock.show(&s)
                    ));
                    s
                }
            },
        };
        timeline.push(TimelineEntry { at, event });
    }
    timeline.sort_by_key(|e| e.at.at());
    let data: Vec<DataPoint> = args.data.iter().map(|d| parse_data(d)).collect();
    for d in &data {
        if d.description.is_empty() {
            return Err(bad("data", "an entry has no description".into()));
        }
        if let Some(problem) = d.link.as_deref().and_then(crate::model::ids::link_problem) {
            return Err(bad("data", problem));
        }
    }
    let contributing_factors = args
        .factors
        .iter()
        .map(|spec| parse_factor(spec, &config.categories).map_err(|e| bad("factor", e)))
        .collect::<Result<Vec<_>>>()?;
    for (flag, items) in [("why", &args.whys), ("lesson", &args.lessons)] {
        if items.iter().any(|i| i.trim().is_empty()) {
            return Err(bad(
                flag,
                "an empty answer; leave the flag out instead".into(),
            ));
        }
    }
    let corrective_actions = args
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| parse_action(a, i + 1).map_err(|e| bad("action", e)))
        .collect::<Result<Vec<_>>>()?;

    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let coe = Coe {
        version: coe::FORMAT_VERSION,
        id: String::new(),
        title: text(&args.title).trim().to_string(),
        status: Status::Draft,
        severity: args.severity.clone().unwrap_or_default(),
        leader: text(&args.leader),
        incident_ref: args.incident_ref.clone(),
        services: args
            .services
            .iter()
            .flat_map(|s| interview::split_list(s))
            .collect(),
        tags: args
            .tags
            .iter()
            .flat_map(|s| interview::split_list(s))
            .collect(),
        incident: coe::Incident {
            started,
            detected,
            mitigated,
            resolved,
        },
        what_happened: coe::WhatHappened {
            summary: text(&args.summary),
            timeline,
        },
        impact: coe::Impact {
            customers: text(&args.customers),
            customers_affected: args.customers_affected,
            business: text(&args.business),
            remediation: text(&args.remediation),
        },
        root_cause: coe::RootCause {
            summary: text(&args.root_cause),
            category: text(&args.category),
            whys: args.whys.clone(),
        },
        data,
        implications: coe::Implications {
            security: text(&args.security),
            other: text(&args.other_implications),
        },
        lessons: args.lessons.clone(),
        corrective_actions,
        contributing_factors,
        review: Default::default(),
    };
    Ok((coe, started_known))
}

/// `--factor CATEGORY:TEXT`: a contributing factor of a configured category.
fn parse_factor(spec: &str, categories: &[String]) -> Result<coe::ContributingFactor, String> {
    let Some((category, description)) = spec.split_once(':') else {
        return Err(format!(
            "`{spec}` has no category: write CATEGORY:WHAT CONTRIBUTED, e.g. deployment:The push skipped the canary"
        ));
    };
    let (category, description) = (category.trim(), description.trim());
    if !categories.iter().any(|c| c == category) {
        return Err(format!(
            "`{category}` is not one of the configured categories ({})",
            categories.join(", ")
        ));
    }
    if description.is_empty() {
        return Err(format!(
            "`{spec}` says what category but not what contributed"
        ));
    }
    Ok(coe::ContributingFactor {
        category: category.to_string(),
        description: description.to_string(),
    })
}
