//! `coe report`: the weekly report of incidents, corrective actions and root causes.
//!
//! Also the report window (`--since`, `--last`, `--until`) and the date argument parser
//! `coe list` shares; loading the COEs (work tree or `--repo`) lives in `load`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use jiff::civil::Date;

use super::Context;
use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::dates::add_days;
use crate::report::view::Window;
use crate::report::{self, render};
use crate::store::load::finish;

/// Write the weekly report: incidents, corrective actions and root causes
///
/// The report covers a window of days (by default the last 7, today included): a summary
/// (incidents by severity, customers affected, median time to detect and to mitigate, COEs
/// incomplete and overdue), the window's incidents, corrective actions (overdue, due and
/// done in the window, open by owner), root-cause rollups per category and per service
/// ranked by customer impact (customer-minutes), recurrences, and lessons learned.
///
/// Markdown carries Mermaid charts (GitHub renders them); HTML is one self-contained page
/// with inline SVG charts; JSON is described in the README. The layout comes from the
/// template report.md.j2, overridable in .coe/templates/.
///
/// Examples:
///   coe report --last 7d -o weekly.md
///   coe report --since 2026-10-01 --until 2026-12-31 --format html -o q4.html
///   coe report --format json | jq .summary
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// First day of the report (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "last")]
    pub since: Option<Date>,

    /// Cover this many days up to --until: 7d, 14d, 2w, ... [default: 7d]
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub last: Option<i64>,

    /// Last day of the report, included (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<Date>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub source: crate::store::load::SourceArgs,
}

/// Output formats of `coe report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown with Mermaid charts
    Markdown,
    /// A self-contained HTML page with inline SVG charts
    Html,
    /// The report's figures as JSON
    Json,
}

/// Runs `coe report`.
pub fn run(ctx: &Context, args: ReportArgs) -> Result<ExitCode> {
    let repo = args.source.repo(ctx)?;
    let today = crate::model::dates::today();
    let window = window(args.since, args.last, args.until, today)?;
    let loaded = args.source.load(ctx, &repo)?;
    let coes: Vec<Coe> = loaded.coes.into_iter().map(|(_, coe)| coe).collect();
    let mut report = report::build(&coes, &repo.config, window, today);
    report.unreadable = loaded.unreadable;
    let link = render::CoeLink::yaml(repo.relative(&repo.coe_dir));
    let text = match args.format {
        ReportFormat::Markdown => render::markdown(&report, Some(&repo.root), Some(&link))?,
        ReportFormat::Html => render::html(&report, Some(&repo.root), Some(&link))?,
        ReportFormat::Json => render::json(&report)?,
    };
    super::emit(args.output.as_deref(), &text)?;
    Ok(finish(&report.unreadable, "the report leaves"))
}

/// The report's window from the command line: `--since` or `--last` (default 7 days) up to
/// `--until` (default today), both ends included.
pub fn window(
    since: Option<Date>,
    last: Option<i64>,
    until: Option<Date>,
    today: Date,
) -> Result<Window> {
    let until = until.unwrap_or(today);
    let since = since.unwrap_or_else(|| add_days(until, 1 - last.unwrap_or(7)));
    if since > until {
        return Err(UserError::new(format!(
            "the report would start on {since}, after its last day {until}"
        ))
        .hint("give --since a date on or before --until")
        .into());
    }
    Ok(Window::inclusive(since, until))
}

/// Parses a calendar date written `YYYY-MM-DD`.
pub use crate::model::dates::parse_date;

/// Parses a span of days: `7d`, `2w`, or a bare number of days.
pub fn parse_span(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (number, per) = match t.char_indices().last() {
        Some((i, 'd' | 'D')) => (&t[..i], 1),
        Some((i, 'w' | 'W')) => (&t[..i], 7),
        _ => (t, 1),
    };
    let bad = || format!("`{t}` is not a number of days or weeks, such as 7d or 2w");
    let n: i64 = number.trim().parse().map_err(|_| bad())?;
    let days = n.checked_mul(per).ok_or_else(bad)?;
    if !(1..=36_600).contains(&days) {
        return Err(format!("`{t}` must be between 1 day and 100 years"));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-11-19"), Ok(date(2026, 11, 19)));
        assert!(parse_date("2026-02-30")
            .unwrap_err()
            .contains("not a real calendar date"));
        assert!(parse_date("19/11/2026").is_err());
        assert!(parse_date("2026-11-19T00:00:00Z").is_err());
    }

    #[test]
    fn spans() {
        assert_eq!(parse_span("7d"), Ok(7));
        assert_eq!(parse_span("2w"), Ok(14));
        assert_eq!(parse_span("30"), Ok(30));
        assert!(parse_span("0d").is_err());
        assert!(parse_span("1m").is_err());
        assert!(parse_span("99999999999999w").is_err());
        assert!(parse_span("-3d").is_err());
    }

    #[test]
    fn windows() {
        let today = date(2026, 11, 25);
        let w = window(None, None, None, today).unwrap();
        assert_eq!(
            (w.since, w.last_day(), w.days()),
            (date(2026, 11, 19), today, 7)
        );
        let w = window(None, Some(14), Some(date(2026, 11, 1)), today).unwrap();
        assert_eq!(
            (w.since, w.last_day()),
            (date(2026, 10, 19), date(2026, 11, 1))
        );
        let w = window(Some(today), None, None, today).unwrap();
        assert_eq!(w.days(), 1);
        assert!(window(Some(date(2026, 12, 1)), None, None, today).is_err());
    }
}
