//! `coe related`: past COEs of the same services and categories, with their corrective
//! actions, most related first.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::model::coe::Coe;
use crate::report::related::lines;
use crate::report::related::{self, Probe, RelatedCoe};
use crate::store;
use crate::store::load::{finish, load};

/// Show past COEs related to one: same services, root cause or contributing factors
///
/// Past COEs (their incident started before this one's) that share a service, the
/// root-cause category or a category of a contributing factor, most related first, each
/// with its corrective actions and whether they were done: read them again when the same
/// area breaks. The score: 3 per shared service, 2 for the same root-cause category, 1 per
/// other shared category (root cause or contributing factor); ties go to the most recent.
///
/// Examples:
///   coe related 2026-11-22-checkout-latency
///   coe related 2026-11-22-checkout-latency --limit 3 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RelatedArgs {
    /// The COE's id (or a unique prefix of it)
    pub id: String,

    /// Show at most this many COEs
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RelatedFormat::Text)]
    pub format: RelatedFormat,
}

/// Output formats of `coe related`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RelatedFormat {
    /// One block per COE, for people
    Text,
    /// An array of related COEs with their score, reasons and actions
    Json,
}

/// Runs `coe related`.
pub fn run(ctx: &Context, args: RelatedArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (_, target) = store::load_by_id(&repo, &args.id)?;
    let loaded = load(&repo)?;
    let coes: Vec<Coe> = loaded.coes.into_iter().map(|(_, c)| c).collect();
    let mut found = related::related(
        &Probe::of(&target),
        &coes,
        &repo.config,
        crate::model::dates::today(),
    );
    found.truncate(args.limit);
    let text = match args.format {
        RelatedFormat::Json => crate::output::ui::json(&found)?,
        RelatedFormat::Text => text(&target, &found),
    };
    crate::output::ui::out(&text)?;
    Ok(finish(&loaded.unreadable, "`coe related` leaves"))
}

fn text(target: &Coe, found: &[RelatedCoe]) -> String {
    if found.is_empty() {
        return format!(
            "No earlier COE shares a service or a category with {}.\n",
            target.id
        );
    }
    let mut out = format!(
        "Past COEs related to {}, most related first\n(score: {} per shared service, {} for the same root cause, {} per other shared category)\n",
        target.id,
        related::SERVICE_POINTS,
        related::ROOT_CAUSE_POINTS,
        related::CATEGORY_POINTS
    );
    out.push_str(&lines(found, true).join("\n"));
    out.push('\n');
    out
}
