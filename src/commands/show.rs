//! `coe show`: one COE as a document organised by the seven questions.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::output::markdown;
use crate::report::document::render_markdown;
use crate::store;

/// Render one COE as Markdown or HTML
///
/// The document follows the seven questions in order, with the incident's metadata and
/// timeline first and a note of what is still missing when the COE is incomplete. HTML is a
/// self-contained page; everything people typed is escaped.
///
/// Example: coe show 2026-11-22-checkout-latency --format html -o coe.html
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Markdown)]
    pub format: ShowFormat,

    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats of `coe show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// GitHub-flavoured Markdown
    Markdown,
    /// A self-contained HTML page
    Html,
    /// The COE as JSON, with its completeness
    Json,
}

/// Runs `coe show`.
pub fn run(ctx: &Context, args: ShowArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (_, coe) = store::load_by_id(&repo, &args.id)?;
    let today = crate::model::dates::today();
    let text = match args.format {
        ShowFormat::Markdown => render_markdown(&coe, &repo.config, Some(&repo.root), today)?,
        ShowFormat::Html => {
            let md = render_markdown(&coe, &repo.config, Some(&repo.root), today)?;
            markdown::html_page(&coe.title, &markdown::to_html_fragment(&md))
        }
        ShowFormat::Json => {
            let missing: Vec<String> = coe
                .missing(&repo.config)
                .iter()
                .map(|m| format!("{}: {}", m.field, m.what))
                .collect();
            crate::output::ui::json(&serde_json::json!({
                "coe": coe,
                "complete": missing.is_empty(),
                "missing": missing,
            }))?
        }
    };
    super::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use crate::model::questions::Section;

    /// The built-in template renders every section: a new question without a branch in
    /// `coe.md.j2` fails here.
    #[test]
    fn the_template_has_a_branch_for_every_section() {
        let template = include_str!("../../templates/coe.md.j2");
        for section in Section::all() {
            let branch = format!("q.section == \"{}\"", section.key());
            assert!(template.contains(&branch), "coe.md.j2 lacks {branch}");
        }
    }
}
