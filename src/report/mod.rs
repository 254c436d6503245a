//! `coe report`: rollups over all COEs (pure computation, in `rollup`) apart from their
//! renderers (Markdown through a template, HTML with inline SVG charts, JSON), and the
//! plain-text tables of `coe list` and `coe actions`.
//!
//! The data flows one way: loaded COEs -> [`rollup::build`] -> a [`rollup::Report`] (the
//! JSON view, documented in the README) -> [`render`].

pub mod headline;
pub mod impact;
pub mod on_time;
pub mod related;
pub mod render;
pub mod rollup;
pub mod svg;
pub mod trends;

pub(crate) use rollup::build;
