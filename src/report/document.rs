//! One COE as a document organised by the seven questions: the Markdown `coe show`,
//! `coe site` and the HTML page render from the `coe.md.j2` template.

use crate::model::coe::Coe;
use crate::model::policy::Config;
use crate::model::questions::QUESTIONS;
use crate::output::templates;
use anyhow::Result;
use minijinja::value::Serde;
use serde::Serialize;

#[derive(Serialize)]
pub struct QuestionView {
    number: u8,
    /// The section's key, which the template branches on.
    section: &'static str,
    text: &'static str,
    help: &'static str,
    answered: bool,
}
#[derive(Serialize)]
pub struct TimeView {
    label: &'static str,
    at: String,
    after: Option<i64>,
}
/// One COE as Markdown, through the `coe.md.j2` template (overridable per repository).
pub fn render_markdown(
    coe: &Coe,
    config: &Config,
    repo_root: Option<&std::path::Path>,
    today: jiff::civil::Date,
) -> Result<String> {
    let missing = coe.missing(config);
    let answered = crate::model::complete::answered(&missing);
    let questions: Vec<QuestionView> = QUESTIONS
        .iter()
        .map(|q| QuestionView {
            number: q.number,
            section: q.section.key(),
            text: q.text,
            help: q.help,
            answered: answered.contains(&q.number),
        })
        .collect();
    let inc = &coe.incident;
    let mut times = vec![TimeView {
        label: "Started",
        at: inc.started.to_string(),
        after: None,
    }];
    for (label, stamp) in [
        ("Detected", &inc.detected),
        ("Mitigated", &inc.mitigated),
        ("Resolved", &inc.resolved),
    ] {
        if let Some(s) = stamp {
            times.push(TimeView {
                label,
                at: s.to_string(),
                after: Some(inc.started.minutes_until(s)),
            });
        }
    }
    let mut coe_value = serde_json::to_value(coe)?;
    if let Some(actions) = coe_value
        .get_mut("corrective_actions")
        .and_then(|a| a.as_array_mut())
    {
        for (value, action) in actions.iter_mut().zip(&coe.corrective_actions) {
            value["overdue"] = coe
                .action_days_overdue(action, config, today)
                .is_some()
                .into();
        }
    }
    let env = templates::environment(repo_root, &[]);
    templates::render(
        &env,
        "coe.md.j2",
        minijinja::context! {
            coe => Serde(&coe_value),
            complete => missing.is_empty(),
            answered => answered.len(),
            missing => missing.iter().map(|m| format!("Q{} {}: {}", m.question.number, m.field, m.what)).collect::<Vec<_>>(),
            questions => Serde(questions),
            times => Serde(times),
            customer_minutes => coe.customer_minutes(),
        },
    )
}
