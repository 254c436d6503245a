//! `coe site`: a static, self-contained HTML site of every COE, the report, and a list with
//! filters and an offline search (a prebuilt index and a few lines of vanilla JavaScript;
//! no server, no external scripts, styles or fonts).
//!
//! Every text a person typed is HTML-escaped, and the index embedded in the page is JSON
//! with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`, so no text can close
//! the script element; the script only ever sets `textContent` and `hidden`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use super::Context;
use crate::model::coe::Coe;
use crate::output::markdown;
use crate::output::markdown::html_page;
use crate::output::ui;
use crate::report::render::{self, CoeLink};
use crate::report::site::{index_page, with_nav};
use crate::store;
use crate::store::load::{finish, load};

/// Write a static HTML site: every COE, the report, a filterable list and offline search
///
/// DIR gets index.html (every COE in a list you can filter by service, severity, status and
/// category, and a search box that finds COEs by any word they contain, offline),
/// report.html (the report of the last --last days, titles linking to the COE pages) and
/// coes/ID.html (each COE, as `coe show --format html` renders it). Open index.html in a
/// browser: no server and no network are needed. Files coe did not write are left alone.
///
/// Examples:
///   coe site -o site
///   coe site -o /srv/www/coe --last 30d
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SiteArgs {
    /// The directory to write the site into (created when missing)
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// The report's window: this many days up to today: 7d, 14d, 2w, ...
    #[arg(long, value_name = "SPAN", value_parser = super::report::parse_span, default_value = "7d")]
    pub last: i64,
}

/// Runs `coe site`.
pub fn run(ctx: &Context, args: SiteArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let today = crate::model::dates::today();
    let loaded = load(&repo)?;
    let mut coes: Vec<Coe> = loaded.coes.into_iter().map(|(_, c)| c).collect();
    coes.sort_by(|a, b| {
        b.incident
            .started
            .at()
            .cmp(&a.incident.started.at())
            .then_with(|| a.id.cmp(&b.id))
    });
    let link = CoeLink::site();
    coes.retain(|c| {
        let plain = link.href(&c.id).is_some();
        if !plain {
            ui::warn(format!(
                "{}: the id is not a plain file name; left out of the site",
                crate::output::table::clean(&c.id)
            ));
        }
        plain
    });
    let out = &args.output;
    std::fs::create_dir_all(out.join("coes"))
        .with_context(|| format!("creating {}", out.join("coes").display()))?;

    for coe in &coes {
        let md =
            crate::report::document::render_markdown(coe, &repo.config, Some(&repo.root), today)?;
        let page = with_nav(
            &html_page(&coe.title, &markdown::to_html_fragment(&md)),
            "../",
        );
        write(&out.join("coes").join(format!("{}.html", coe.id)), &page)?;
    }

    let window = super::report::window(None, Some(args.last), None, today)?;
    let mut report = crate::report::build(&coes, &repo.config, window, today);
    report.unreadable = loaded.unreadable.clone();
    let report_html = render::html(&report, Some(&repo.root), Some(&link))?;
    write(&out.join("report.html"), &with_nav(&report_html, ""))?;

    write(&out.join("index.html"), &index_page(&coes, &repo.config))?;
    ui::status(
        "Wrote",
        format!(
            "{} ({} and the report)",
            out.display(),
            crate::model::plural(coes.len(), "COE page", "COE pages")
        ),
    );
    Ok(finish(&loaded.unreadable, "the site leaves"))
}

fn write(path: &Path, text: &str) -> Result<()> {
    store::write_atomic(path, text.as_bytes(), true)
}
