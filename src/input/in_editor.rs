//! `coe new --editor` and `coe edit --editor`: the COE written as YAML in the person's
//! editor, validated on save, reopened with the errors at the top until it is valid (as
//! `kubectl edit` does).

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::input::editor::{self, Outcome};
use crate::model::coe::Coe;
use crate::model::dates::Stamp;
use crate::output::ui;
use crate::store;
use crate::store::yaml_edit;
use crate::store::Context;
use crate::store::Repo;

/// Whether to write in the editor: `--editor`, else `--no-editor`, else `COE_EDITOR_MODE`
/// (1/true/yes or 0/false/no), else `editor:` in `.coe.yaml`.
pub fn wanted(flag: bool, no_flag: bool, repo: &Repo) -> bool {
    if flag || no_flag {
        return flag;
    }
    match std::env::var("COE_EDITOR_MODE")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        Ok("1" | "true" | "yes" | "on") => true,
        Ok("0" | "false" | "no" | "off") => false,
        _ => repo.config.editor,
    }
}

/// `coe new` in the editor: the COE from the flags as the starting text.
pub fn new(ctx: &Context, repo: &Repo, coe: Coe, started_known: bool) -> Result<ExitCode> {
    let mut skeleton = String::new();
    for line in crate::store::format::to_yaml(&coe).lines() {
        let line = match line {
            l if l.starts_with("id: ") => "id: \"\"".to_string(),
            l if l.starts_with("  started: ") && !started_known => format!(
                "{} started: required, when customers were first affected, such as {}\n  started: \"\"",
                editor::MARK,
                Stamp::from(jiff::Timestamp::now())
            ),
            l => l.to_string(),
        };
        skeleton.push_str(&line);
        skeleton.push('\n');
    }
    let buffer = editor::buffer(&skeleton, &repo.config, true);
    let validate = |text: &str| editor::validate(text, &repo.config, true);
    let (mut written, text) = match editor::session(&buffer, "new", &validate)? {
        Outcome::Saved { coe, text } => (*coe, text),
        Outcome::Aborted { why, kept } => return aborted(why, kept, "Nothing was written."),
    };
    let parsed = written.clone();
    let path = store::create_file_with(repo, &mut written, &|with_id| {
        // The person's text with only the id line changed; coe's own layout if that
        // cannot be done in place.
        Ok(yaml_edit::update(&text, &parsed, with_id)
            .map(|u| u.text)
            .unwrap_or_else(|_| crate::store::format::to_yaml(with_id)))
    })?;
    finish(ctx, repo, &path, &written, "new COE")
}

/// `coe edit` in the editor: the file's own text (comments and all) as the starting text.
pub fn edit(ctx: &Context, repo: &Repo, path: &Path, coe: &Coe) -> Result<ExitCode> {
    let text = store::read_text(path).map_err(|e| store::file_error(repo.relative(path), &e))?;
    let buffer = editor::buffer(&text, &repo.config, false);
    let validate = |edited: &str| {
        let mut result = editor::validate(edited, &repo.config, false);
        if let Ok(c) = &result {
            if c.id != coe.id {
                result = Err(vec![format!(
                    "id: the id stays `{}` (it names the file); change the title instead",
                    coe.id
                )]);
            }
        }
        result
    };
    match editor::session(&buffer, &coe.id, &validate)? {
        Outcome::Saved { coe: edited, text } => {
            store::write_atomic(path, text.as_bytes(), true)?;
            finish(ctx, repo, path, &edited, "edit")
        }
        Outcome::Aborted { why, kept } => aborted(
            why,
            kept,
            &format!("{} was not changed.", repo.relative(path).display()),
        ),
    }
}

fn aborted(why: &str, kept: Option<std::path::PathBuf>, unchanged: &str) -> Result<ExitCode> {
    ui::note(format!(
        "The file came back {why}, so coe stopped. {unchanged}"
    ));
    if let Some(kept) = kept {
        ui::note(format!("Your last text is kept in {}.", kept.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Says what was saved and what is missing, and commits.
fn finish(ctx: &Context, repo: &Repo, path: &Path, coe: &Coe, verb: &str) -> Result<ExitCode> {
    let missing = coe.missing(&repo.config);
    ui::status(
        "Saved",
        format!("{} ({})", repo.relative(path).display(), coe.status),
    );
    ctx.commit(
        repo,
        &[path.to_path_buf()],
        &format!("coe: {verb} {} ({})", coe.id, coe.status),
    )?;
    if missing.is_empty() {
        if coe.status == crate::model::kinds::Status::Draft {
            ui::note(
                "Every question is answered: set `status: review` when it is ready for review.",
            );
        }
    } else {
        ui::note(format!("Still to answer ({}):", missing.len()));
        for m in &missing {
            ui::note(format!(
                "  - question {}: {} needs {}",
                m.question.number, m.field, m.what
            ));
        }
        ui::note(format!(
            "Run `coe edit {} --editor` (or without --editor, for questions) to answer the rest.",
            coe.id
        ));
    }
    Ok(ExitCode::SUCCESS)
}
