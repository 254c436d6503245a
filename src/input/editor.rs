//! The person's text editor: found the way git finds it, run on a temporary file.
//!
//! The editor is `$VISUAL` (unless the terminal is dumb), else `$EDITOR`, else `vi`, and it
//! runs through `sh -c` as git runs it, so `EDITOR="code --wait"` and editors with quoted
//! paths work. coe compares the text it gets back with what it wrote, not file times, to
//! tell an unchanged file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, Result};

use crate::error::UserError;
use crate::model::coe::Coe;
use crate::model::policy::Config;
use crate::model::questions::Section;

/// The editor command to run: `$VISUAL` (unless `TERM=dumb`), `$EDITOR`, or `vi`.
pub fn command() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    (if dumb { None } else { var("VISUAL") })
        .or_else(|| var("EDITOR"))
        .unwrap_or_else(|| "vi".to_string())
}

/// Writes `text` to a temporary `.<extension>` file, opens it in the editor, and returns
/// what the person saved. The file is removed afterwards.
pub fn edit(text: &str, extension: &str) -> Result<String> {
    let file = tempfile::Builder::new()
        .prefix("coe-")
        .suffix(&format!(".{extension}"))
        .tempfile()
        .context("creating a temporary file for the editor")?;
    std::fs::write(file.path(), text)
        .with_context(|| format!("writing {}", file.path().display()))?;
    run_on(file.path())?;
    read_back(file.path())
}

/// Opens `path` in the editor and waits for it to close.
pub fn run_on(path: &Path) -> Result<()> {
    let editor = command();
    let status = if cfg!(windows) {
        Command::new(&editor).arg(path).status()
    } else {
        // Like git: the editor string is shell words, the file a separate argument.
        Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$@\""))
            .arg(&editor)
            .arg(path)
            .status()
    }
    .with_context(|| format!("starting the editor `{editor}`"))?;
    if !status.success() {
        return Err(UserError::new(format!(
            "the editor `{editor}` exited with {status}; nothing was saved"
        ))
        .hint("set $VISUAL or $EDITOR to the editor you use")
        .into());
    }
    Ok(())
}

/// Reads the edited file back.
pub fn read_back(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Lines coe adds to an editing buffer (the header, each question's help, errors) start
/// with this; they are removed before the file is written, the person's own `#` comments
/// are kept.
pub const MARK: &str = "#~";

/// What an editing session of a COE ended with.
#[derive(Debug)]
pub enum Outcome {
    /// A valid COE, and the text to write (the person's text without coe's `#~` lines).
    Saved {
        /// The COE the text parses to.
        coe: Box<Coe>,
        /// The person's text without coe's lines.
        text: String,
    },
    /// Nothing to write: the file came back unchanged or emptied. `kept` holds the
    /// person's text when an earlier save of theirs had errors, so it is not lost.
    Aborted {
        /// Why, in a few words ("unchanged", "emptied").
        why: &'static str,
        /// Where the person's last text was kept.
        kept: Option<PathBuf>,
    },
}

/// The buffer a person edits: a header saying how, the COE file's text, and each
/// question's help under its `# N.` comment.
pub fn buffer(file_text: &str, config: &Config, new: bool) -> String {
    let mut out = String::new();
    let header = [
        "coe: write the COE below, save and close the editor. Lines starting with #~ are",
        "help and go away when saved; your own # comments stay. Multi-line answers go in",
        "| blocks. Times are RFC 3339: 2026-11-22T09:58:00Z, or with an offset (+01:00).",
        "To stop without changes, close the editor without saving, or delete everything.",
    ];
    for line in header {
        let _ = writeln!(out, "{MARK} {line}");
    }
    let _ = writeln!(
        out,
        "{MARK} severity: one of {}. A draft may leave answers empty.",
        config.severities.join(", ")
    );
    if new {
        let _ = writeln!(
            out,
            "{MARK} The id is made from incident.started and the title when you save."
        );
    }
    for line in file_text.lines() {
        out.push_str(line);
        out.push('\n');
        let number = line
            .strip_prefix("# ")
            .and_then(|rest| rest.split_once(". "))
            .and_then(|(n, _)| n.parse::<u8>().ok());
        if let Some(q) = number.and_then(crate::model::questions::by_number) {
            for help in crate::output::text::wrap(q.help, 76) {
                let _ = writeln!(out, "{MARK} {help}");
            }
            for shape in shape_hints(q.section, config) {
                let _ = writeln!(out, "{MARK} {shape}");
            }
        }
    }
    out
}

/// How the answers of a section are written, for the editor's help lines.
fn shape_hints(section: Section, config: &Config) -> Vec<String> {
    match section {
        Section::WhatHappened => vec![
            "timeline: one item per event, in time order:".into(),
            "  - at: 2026-11-22T10:04:00Z".into(),
            "    event: Latency alarm fired".into(),
        ],
        Section::Impact => vec!["customers_affected: a number, such as 12000 (optional)".into()],
        Section::RootCause => vec![
            format!("category: one of {}", config.categories.join(", ")),
            format!(
                "whys: at least {}, each answering \"why?\" of the one before:  - Checkout timed out.",
                config.min_whys
            ),
        ],
        Section::Data => vec![
            "  - description: p99 checkout latency, 09:30-12:00".into(),
            "    link: https://grafana.example.com/d/abc   (or a path in this repository)".into(),
        ],
        Section::Lessons => vec!["  - One lesson per item.".into()],
        Section::CorrectiveActions => vec![
            "  - id: CA-1".into(),
            "    action: Route config pushes through the staged rollout".into(),
            "    kind: prevent        # prevent | detect | mitigate | process".into(),
            "    owner: team-platform".into(),
            "    due: 2026-12-15".into(),
            "    status: open         # open | done | wontfix (done: YYYY-MM-DD when done)".into(),
        ],
        Section::Implications => Vec::new(),
    }
}

/// `text` without coe's `#~` lines.
pub fn strip_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with(MARK) {
            out.push_str(line);
        }
    }
    out
}

/// Whether the text has nothing but blank lines and comments.
fn is_emptied(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// Opens `initial` in the editor until it saves as a valid COE (`validate` says what is
/// wrong, one message per problem), or the person leaves it unchanged or empties it.
/// After a save with errors, the editor opens again with the errors at the top and the
/// person's text exactly as they left it. `name` names the file the text is kept in when
/// the session ends without a valid COE after the person changed something.
pub fn session(
    initial: &str,
    name: &str,
    validate: &dyn Fn(&str) -> Result<Coe, Vec<String>>,
) -> Result<Outcome> {
    let mut text = initial.to_string();
    let mut changed_once = false;
    loop {
        let edited = edit(&text, "yaml")?;
        let theirs = without_errors(&edited);
        if is_emptied(&theirs) {
            return Ok(Outcome::Aborted {
                why: "emptied",
                kept: None,
            });
        }
        if theirs == without_errors(&text) {
            let kept = if changed_once {
                Some(keep(name, &theirs)?)
            } else {
                None
            };
            return Ok(Outcome::Aborted {
                why: "unchanged",
                kept,
            });
        }
        changed_once = true;
        match validate(&theirs) {
            Ok(coe) => {
                return Ok(Outcome::Saved {
                    coe: Box::new(coe),
                    text: strip_marks(&theirs),
                })
            }
            Err(errors) => text = with_errors(&errors, &theirs),
        }
    }
}

const ERRORS_START: &str = "#~ coe found";
const ERRORS_END: &str = "#~ (fix them below and save again; line numbers are of this file)";

/// `text` with the error block coe put at its top removed.
fn without_errors(text: &str) -> String {
    let Some(rest) = text.strip_prefix(ERRORS_START) else {
        return text.to_string();
    };
    match rest.find(ERRORS_END) {
        Some(end) => {
            let after = &rest[end + ERRORS_END.len()..];
            after.strip_prefix('\n').unwrap_or(after).to_string()
        }
        None => text.to_string(),
    }
}

/// The errors as `#~` lines at the top, then the person's text as they left it. Line
/// numbers in the errors are moved down by the block's own lines, so they point into the
/// buffer the person sees.
fn with_errors(errors: &[String], theirs: &str) -> String {
    let mut block = format!(
        "{ERRORS_START} {}:\n",
        crate::model::plural(errors.len(), "problem", "problems")
    );
    for e in errors {
        let _ = writeln!(block, "{MARK}   {e}");
    }
    block.push_str(ERRORS_END);
    block.push('\n');
    let shift = block.lines().count();
    let shifted: String = block
        .lines()
        .map(|l| shift_line_number(l, shift) + "\n")
        .collect();
    shifted + theirs
}

/// `#~   line 12: ...` with the number moved down by `shift`.
fn shift_line_number(line: &str, shift: usize) -> String {
    let prefix = format!("{MARK}   line ");
    if let Some(rest) = line.strip_prefix(&prefix) {
        if let Some((n, message)) = rest.split_once(':') {
            if let Ok(n) = n.parse::<usize>() {
                return format!("{prefix}{}:{message}", n + shift);
            }
        }
    }
    line.to_string()
}

/// Keeps the person's text and returns where: in a new private directory (mode 0700) of
/// the temporary directory, in a file created exclusively (mode 0600), so another local
/// user can neither read it nor plant a symlink for coe to write through.
fn keep(name: &str, text: &str) -> Result<PathBuf> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("coe-edit-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let dir = builder
        .tempdir()
        .context("creating a private directory for the text")?
        .keep();
    let path = dir.join(format!("{name}.yaml"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// What is wrong with an edited COE text, one message per problem with its line; the COE
/// when nothing is. A draft may leave answers empty; what it says must be valid (times in
/// order, configured severity and category, links, no empty items), and a COE marked
/// `review` or `closed` must be complete.
pub fn validate(text: &str, config: &Config, new: bool) -> Result<Coe, Vec<String>> {
    let coe = crate::store::format::parse(text).map_err(|e| {
        let line = e.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let field = e.field.map(|f| format!("{f}: ")).unwrap_or_default();
        vec![format!("{line}{field}{}", e.message)]
    })?;
    let index = crate::store::lines::LineIndex::new(text);
    let at = |field: &str| {
        index
            .line_of(field)
            .map(|l| format!("line {l}: "))
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    if coe.title.trim().is_empty() {
        errors.push(format!("{}title: a title is needed", at("title")));
    }
    let file_name = format!("{}.yaml", coe.id);
    for issue in
        crate::check::rules::check_coe(&coe, &file_name, config, crate::model::dates::today())
    {
        use crate::check::Rule;
        let skip = matches!(issue.rule, Rule::Id | Rule::FileName | Rule::Incomplete) && new
            || matches!(issue.rule, Rule::FileName | Rule::Incomplete);
        if issue.severity == crate::check::Severity::Error && !skip {
            let field = issue.field.as_deref().unwrap_or_default();
            errors.push(format!("{}{field}: {}", at(field), issue.message));
        }
    }
    if coe.status != crate::model::kinds::Status::Draft {
        for m in coe.missing(config) {
            errors.push(format!(
                "{}{}: status {} needs a complete COE; {} needs {} (or set status: draft)",
                at(&m.field),
                m.field,
                coe.status,
                m.field,
                m.what
            ));
        }
    }
    if errors.is_empty() {
        Ok(coe)
    } else {
        Err(errors)
    }
}
