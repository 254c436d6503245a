//! What a person sees: terminal styles and messages, aligned tables, Markdown and HTML,
//! templates, and progress.

pub mod markdown;
pub mod progress;
pub mod table;
pub mod templates;
pub mod text;
pub mod ui;
