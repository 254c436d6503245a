//! `coe approve`: record a reviewer's sign-off in `review.approvals`.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::coe::{plural, Approval, Coe};
use crate::error::UserError;
use crate::{format, store, ui};

/// Approve a COE as its reviewer, and commit
///
/// Adds your approval to the COE's `review.approvals`: your git identity (`user.name`) and
/// today's date. Only those lines are added to the file (comments and wording stay as they
/// are), and that change alone is committed. `approvals:` in `.coe.yaml` says how many
/// approvals a COE of each severity needs before `coe close` accepts it. The COE's leader
/// cannot approve their own COE unless `.coe.yaml` sets `allow_self_approval: true`.
///
/// Example: coe approve 2026-11-22-checkout-latency
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The COE's id (its file name without `.yaml`)
    pub id: String,
}

/// Runs `coe approve`.
pub fn run(ctx: &Context, args: ApproveArgs) -> Result<ExitCode> {
    let repo = ctx.repo()?;
    let (path, coe) = store::load_by_id(&repo, &args.id)?;
    let git = crate::git::open(&repo.root)?;
    let signature = crate::git::signature(&git)?;
    let by = signature.name().unwrap_or_default().trim().to_string();
    if by.is_empty() {
        return Err(UserError::new("git's user.name is empty; an approval needs a name")
            .hint("run `git config user.name \"Your Name\"`")
            .into());
    }
    let rel = repo.relative(&path).display().to_string();
    if coe.is_led_by(&by) && !repo.config.allow_self_approval {
        return Err(UserError::new(format!(
            "{by} leads {}, so cannot approve it: a COE is approved by someone who did not \
             write it",
            coe.id
        ))
        .hint("ask a reviewer to run `coe approve`, or set `allow_self_approval: true` in .coe.yaml")
        .code(1)
        .into());
    }
    if coe
        .review
        .approvals
        .iter()
        .any(|a| a.by.trim().eq_ignore_ascii_case(&by))
    {
        ui::note(format!("{by} has already approved {}.", coe.id));
        return Ok(ExitCode::SUCCESS);
    }

    let approval = Approval {
        by,
        on: crate::coe::today(),
    };
    let text = store::read_text(&path).map_err(|e| store::file_error(&path, &e))?;
    let edited = add_approval(&text, &approval).ok_or_else(|| {
        UserError::new(format!(
            "{rel}: cannot add the approval without rewriting the `review:` section; add \
             `- by: {}` and `on: {}` under `review.approvals` by hand",
            approval.by, approval.on
        ))
    })?;
    let mut expected = coe.clone();
    expected.review.approvals.push(approval.clone());
    verify(&edited, &expected).map_err(|why| {
        UserError::new(format!(
            "{rel}: the approval could not be added safely ({why}); the file is unchanged"
        ))
    })?;
    store::write_atomic(&path, edited.as_bytes(), true)?;

    let needed = repo.config.approvals_for(&expected.severity);
    let have = expected.counted_approvals(&repo.config);
    let progress = if needed > 0 {
        format!(
            " ({have} of the {} a {} COE needs)",
            plural(usize::try_from(needed).unwrap_or(0), "approval", "approvals"),
            expected.severity
        )
    } else {
        String::new()
    };
    ui::status(
        "Approved",
        format!("{rel} as {}{progress}", approval.by),
    );
    ctx.commit(
        &repo,
        &[path],
        &format!("coe: approve {} ({})", expected.id, approval.by),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The edited file must read back as exactly the COE plus the approval.
fn verify(edited: &str, expected: &Coe) -> Result<(), String> {
    match format::parse(edited) {
        Ok(parsed) if &parsed == expected => Ok(()),
        Ok(_) => Err("the file would read back differently".into()),
        Err(e) => Err(e.message),
    }
}

/// A top-level key's name, when `line` is one (`review:` -> `review`).
fn top_level_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    line.split_once(':').map(|(key, _)| key.trim())
}

/// The file with one approval added: appended to the `review.approvals` list where there is
/// one, else a `review:` section (or an `approvals:` key) added. Every other line stays as
/// it was. `None` when the `review:` section has a shape this cannot extend in place
/// (a flow mapping, say).
fn add_approval(text: &str, approval: &Approval) -> Option<String> {
    let by = serde_yaml::to_string(&approval.by).ok()?;
    let by = by.trim_end();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let item = |indent: usize| {
        let pad = " ".repeat(indent);
        format!("{pad}- by: {by}\n{pad}  on: {}\n", approval.on)
    };
    let Some(review) = lines
        .iter()
        .position(|l| top_level_key(l) == Some("review"))
    else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.ends_with("\n\n") && !out.is_empty() {
            out.push('\n');
        }
        out.push_str("review:\n  approvals:\n");
        out.push_str(&item(4));
        return Some(out);
    };
    let after_key = lines[review].split_once(':')?.1.trim();
    if !(after_key.is_empty() || after_key.starts_with('#')) {
        return None; // `review: {...}` or `review: null`
    }
    // The section runs to the next top-level key.
    let end = lines[review + 1..]
        .iter()
        .position(|l| top_level_key(l).is_some())
        .map_or(lines.len(), |i| review + 1 + i);
    let approvals = (review + 1..end).find(|&i| lines[i].trim_start().starts_with("approvals:"));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match approvals {
        None => {
            out.insert(review + 1, format!("  approvals:\n{}", item(4)));
        }
        Some(i) => {
            let indent = lines[i].len() - lines[i].trim_start().len();
            let value = lines[i].trim_start()["approvals:".len()..].trim();
            if value == "[]" || value.is_empty() || value.starts_with('#') {
                // Items of a block list: the lines after `approvals:` indented more than
                // it (or `-` at the same indent), up to the section's end.
                let mut last = i;
                let mut item_indent = None;
                for (j, line) in lines.iter().enumerate().take(end).skip(i + 1) {
                    let trimmed = line.trim_start();
                    if trimmed.is_empty() || trimmed.starts_with('#') {
                        continue;
                    }
                    let this = line.len() - trimmed.len();
                    if this > indent || (this == indent && trimmed.starts_with('-')) {
                        if trimmed.starts_with('-') && item_indent.is_none() {
                            item_indent = Some(this);
                        }
                        last = j;
                    } else {
                        break;
                    }
                }
                if value == "[]" {
                    out[i] = format!("{}approvals:\n", " ".repeat(indent));
                }
                let at = item_indent.unwrap_or(indent + 2);
                let mut line = item(at);
                if !out[last].ends_with('\n') {
                    line.insert(0, '\n');
                }
                out.insert(last + 1, line);
            } else {
                return None; // a flow list with items: `approvals: [{by: ..., on: ...}]`
            }
        }
    }
    Some(out.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval() -> Approval {
        Approval {
            by: "Sam Lee".into(),
            on: jiff::civil::date(2026, 11, 29),
        }
    }

    #[test]
    fn a_new_section_is_appended() {
        let text = "corrective_actions: []\n# the end\n";
        assert_eq!(
            add_approval(text, &approval()).as_deref(),
            Some(
                "corrective_actions: []\n# the end\n\nreview:\n  approvals:\n    - by: Sam Lee\n      on: 2026-11-29\n"
            )
        );
    }

    #[test]
    fn an_existing_list_grows_at_its_end_keeping_comments() {
        let text = "review:\n  # who signed off\n  approvals:\n  - by: Ana\n    on: 2026-11-28 # first\n\nnext: 1\n";
        assert_eq!(
            add_approval(text, &approval()).as_deref(),
            Some(
                "review:\n  # who signed off\n  approvals:\n  - by: Ana\n    on: 2026-11-28 # first\n  - by: Sam Lee\n    on: 2026-11-29\n\nnext: 1\n"
            )
        );
        let empty = "review:\n  approvals: []\n";
        assert_eq!(
            add_approval(empty, &approval()).as_deref(),
            Some("review:\n  approvals:\n    - by: Sam Lee\n      on: 2026-11-29\n")
        );
        assert_eq!(
            add_approval("review: {approvals: []}\n", &approval()),
            None
        );
    }

    #[test]
    fn names_are_quoted_when_yaml_needs_it() {
        let odd = Approval {
            by: "#1 reviewer: yes".into(),
            on: jiff::civil::date(2026, 11, 29),
        };
        let text = add_approval("", &odd).unwrap_or_default();
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_default();
        assert_eq!(
            value["review"]["approvals"][0]["by"].as_str(),
            Some("#1 reviewer: yes")
        );
    }
}
