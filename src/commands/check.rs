//! `coe check`: the CI gate.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use super::Context;
use crate::check::files::{
    ids_taken_by_file_names, read_incidents, resolve_files, work_tree_prefix, write_job_summary,
};
use crate::check::output::{self, Format};
use crate::check::{self, gate, Counts};
use crate::exit_codes::ExitStatus;
use crate::output::ui;
use crate::store;
use crate::vendors::ExportFormat;

/// The help of `CheckArgs`: the vendors' own words (commands, columns) are filled in
/// from `vendors`, which alone knows them.
const CHECK_HELP: &str = r#"Validate COE files; fail when one is broken or an incident lacks a complete COE

Checks every COE file (or the files given): that it parses; that its fields are valid
(id and file name, severity, category, incident times and timeline in order, unique
ids and incident refs); that every COE whose incident started more than `due_days` ago
answers all seven questions, and that a closed COE has its approvals; and lints for
blame language, too few whys, unstated security implications, customers left without
remediation, no preventive action and open corrective actions past due.

With `--incidents FILE`, every incident in the export of a severity in `requires_coe`
must have a complete COE `due_days` after it was created (before that, a missing COE
is a note), and every COE's `incident_ref` should be in the export. FILE is what the
incident system exports, recognised by its shape: PagerDuty `GET /incidents` JSON,
incident.io v2 incidents JSON, `{gh_incidents}`, a Jira CSV export, or a hand-made
list (one reference per line, a JSON array, CSV with an `incident_ref` or `id` column).

Output: errors first, then warnings, then notes, one per line as
`path:line: severity[rule]: message (field)`; a COE's unanswered questions are one
`error[incomplete]` line (--all-findings and --format json give one per field); a rule's
warnings repeated more than --max-repeats times are one line with the count and the
first files. GitHub annotations stop at GitHub's 10 per kind per step; the job summary
counts the rest. A summary per rule
goes to stderr. Exit status: 0 when there is no error, 1 when there is at least one, 2
on a usage, configuration or input error.

Given files (as a pre-commit hook passes them), only those files are parsed; duplicate
ids are found from the other files' names.

Examples:
  coe check
  coe check --format github --incidents pagerduty-incidents.json
  coe check --strict coes/2026-11-22-checkout-latency.yaml"#;

/// Validate COE files; fail when one is broken or an incident lacks a complete COE
#[derive(Debug, clap::Args)]
#[command(about = "Validate COE files; fail when one is broken or an incident lacks a complete COE", long_about = crate::vendors::fill_help(CHECK_HELP))]
pub struct CheckArgs {
    /// COE files to check [default: every file in the COE directory]
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Incidents that must each have a COE: an export of PagerDuty, incident.io, GitHub
    /// issues or Jira, or a hand-made list
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,

    /// The shape of the --incidents file [default: recognised from its content]
    #[arg(long, value_enum, value_name = "FORMAT", requires = "incidents")]
    pub incidents_format: Option<ExportFormat>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,

    /// Show every finding, instead of one line for a rule's warnings repeated more than
    /// --max-repeats times
    #[arg(long)]
    pub all_findings: bool,

    /// How many warnings (or notes) of one rule are shown one by one before they are
    /// collapsed into one line
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_repeats: usize,

    /// Also say which listed incidents are skipped, and why
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Runs `coe check`.
pub fn run(ctx: &Context, args: CheckArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let today = crate::model::dates::today();
    let explicit = !args.files.is_empty();
    let paths = if explicit {
        resolve_files(&ctx.cwd, &args.files)?
    } else {
        store::list_files(&repo)?
    };
    // Read the incident list first: a usage error should not wait for 10,000 files.
    let export = match &args.incidents {
        Some(file) => Some(read_incidents(ctx, &repo, file, args.incidents_format)?),
        None => None,
    };

    let checked = check::check_files(&paths, &repo, today);
    let mut findings: Vec<check::Finding> = checked
        .iter()
        .flat_map(|c| c.findings.iter().cloned())
        .collect();
    findings.extend(check::duplicate_ids(&checked));
    findings.extend(check::duplicate_incident_refs(&checked));
    // Given files are what the caller changed: the other files are not parsed unless the
    // incident gate needs them (an incident may be covered by any COE).
    let others: Vec<(String, check::Keys)> = if explicit {
        let given: HashSet<&PathBuf> = paths.iter().collect();
        let rest: Vec<PathBuf> = store::list_files(&repo)?
            .into_iter()
            .filter(|p| !given.contains(p))
            .collect();
        findings.extend(ids_taken_by_file_names(&checked, &rest, &repo));
        if export.is_some() {
            store::load_files(&rest)
                .into_iter()
                .filter_map(|l| {
                    let coe = l.result.ok()?;
                    Some((
                        check::display_path(&repo, &l.path),
                        check::Keys::of(&coe, &repo.config, None),
                    ))
                })
                .collect()
        } else {
            Vec::new()
        }
    } else {
        Vec::new()
    };
    if let Some((display, export)) = &export {
        let known: Vec<gate::Known<'_>> = checked
            .iter()
            .filter_map(|c| {
                c.keys.as_ref().map(|keys| gate::Known {
                    display: &c.display,
                    keys,
                    checked: true,
                })
            })
            .chain(others.iter().map(|(display, keys)| gate::Known {
                display,
                keys,
                checked: false,
            }))
            .collect();
        let policy = gate::Policy {
            config: &repo.config,
            today,
            verbose: args.verbose,
        };
        findings.extend(gate::incident_findings(display, export, &known, policy));
    }
    if args.strict {
        check::make_strict(&mut findings);
    }
    check::sort(&mut findings);

    let limit = (!args.all_findings).then_some(args.max_repeats);
    let mut omitted = 0;
    let rendered = match args.format {
        Format::Text => output::text(&output::arrange(&findings, limit)),
        Format::Json => output::json(&findings).context("writing the findings as JSON")?,
        Format::Github => {
            let (text, left_out) =
                output::github(&output::arrange(&findings, limit), &work_tree_prefix(&repo));
            omitted = left_out;
            text
        }
    };
    ui::out(&rendered).context("writing to stdout")?;
    let counts = Counts::of(&findings);
    let summary = output::summary(
        paths.len(),
        export
            .as_ref()
            .map(|(_, e)| e.incidents.len() + e.skipped.len()),
        counts,
    );
    if args.format == Format::Text {
        let by_rule = output::by_rule(&findings);
        if !by_rule.is_empty() {
            ui::note(by_rule.trim_end());
        }
    }
    if args.format == Format::Github {
        write_job_summary(&findings, &summary, omitted)?;
    }
    if args.format != Format::Json && findings.iter().any(|f| f.rule == check::Rule::DoneDate) {
        ui::note(check::DONE_DATE_HINT);
    }
    ui::note(summary);
    Ok(if counts.errors > 0 {
        ExitStatus::Findings.into()
    } else {
        ExitCode::SUCCESS
    })
}
