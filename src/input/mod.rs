//! How a person writes a COE: the interview, the prompt seam over the terminal, and the
//! external editor.

pub mod editor;
pub mod flags;
pub mod in_editor;
pub mod interview;
pub mod prompt;
pub mod session;
