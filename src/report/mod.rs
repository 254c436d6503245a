//! `coe report`: rollups over all COEs (pure computation, in `rollup`) apart from their
//! renderers (Markdown through a template, HTML with inline SVG charts, JSON), and the
//! plain-text tables of `coe list` and `coe actions`.
//!
//! The data flows one way: loaded COEs -> [`build`] (the figures of `rollup`, then the
//! sentences of `headline`) -> a [`view::Report`] (the JSON view, documented in the
//! README) -> [`render`].

pub mod actions;
pub mod document;
pub mod headline;
pub mod impact;
pub mod list;
pub mod on_time;
pub mod related;
pub mod render;
pub mod rollup;
pub mod site;
pub mod stats;
pub mod svg;
pub mod trends;
pub mod view;

use jiff::civil::Date;

use crate::model::coe::Coe;
use crate::model::policy::Config;

/// Every figure of the report over `coes` (in any order), with the headline sentences
/// written from them; `today` is the day state is measured on.
pub(crate) fn build(
    coes: &[Coe],
    config: &Config,
    window: view::Window,
    today: Date,
) -> view::Report {
    let mut report = rollup::build(coes, config, window, today);
    report.headline = headline::sentences(&report);
    report
}
