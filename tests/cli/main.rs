//! The integration tests: one binary, one module per command (jj's layout).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod approve;
mod architecture;
mod bad_input;
mod cache;
mod check;
mod common;
mod demo;
mod ecosystem;
mod editor;
mod git;
mod incidents;
mod init;
mod list;
mod minimal_diff;
mod new;
mod pty;
mod reliability;
mod report;
mod repos;
mod roundtrip;
mod show;
mod site;
mod timeline_import;
mod writes;
