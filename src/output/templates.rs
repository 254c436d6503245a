//! Markdown templates (minijinja): built in from `templates/`, overridable per repository
//! by a file of the same name in `.coe/templates/`.
//!
//! Every value a template prints is Markdown-escaped unless a filter marked it safe, so a
//! template cannot forget to escape what users typed. Filters:
//! `cell` (a table cell), `block` (multi-line text as paragraphs), `link(target)`,
//! `num` (1,234), `minutes` (1 h 05 min), `plural(one, many)`.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind};

use crate::output::markdown;

/// The built-in templates, by name.
pub const BUILT_IN: &[(&str, &str)] = &[("coe.md.j2", include_str!("../../templates/coe.md.j2"))];

/// Where a repository keeps its template overrides, relative to its root.
pub const OVERRIDE_DIR: &str = ".coe/templates";

/// A template environment for a repository (or with only the built-in templates).
pub fn environment(
    repo_root: Option<&Path>,
    built_in: &'static [(&'static str, &'static str)],
) -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build();
    // Only custom delimiters can fail to build; these are the defaults.
    if let Ok(syntax) = syntax {
        env.set_syntax(syntax);
    }
    let override_dir: Option<PathBuf> = repo_root.map(|r| r.join(OVERRIDE_DIR));
    env.set_loader(move |name| {
        if let Some(dir) = &override_dir {
            if !name.contains('/') && !name.contains("..") {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(text) => return Ok(Some(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("reading {}: {e}", path.display()),
                        ))
                    }
                }
            }
        }
        Ok(BUILT_IN
            .iter()
            .chain(built_in)
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string()))
    });
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() || value.is_none() {
            return Ok(());
        }
        let text = value.to_string();
        if value.is_safe() {
            out.write_str(&text)?;
        } else {
            out.write_str(&markdown::inline(&text))?;
        }
        Ok(())
    });
    env.add_filter("cell", |v: Value| {
        Value::from_safe_string(markdown::cell(&display(&v)))
    });
    env.add_filter("block", |v: Value| {
        Value::from_safe_string(markdown::block(&display(&v)))
    });
    env.add_filter("link", |label: Value, target: Value| {
        Value::from_safe_string(markdown::link(&display(&label), &display(&target)))
    });
    env.add_filter("num", |v: Value| match i64::try_from(v.clone()) {
        Ok(n) => thousands(n),
        Err(_) => display(&v),
    });
    env.add_filter("minutes", |v: Value| match i64::try_from(v.clone()) {
        Ok(n) => minutes(n),
        Err(_) => String::new(),
    });
    env.add_filter("plural", |n: i64, one: String, many: String| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    });
    env
}

/// A template value as text; none and undefined are empty.
pub(crate) fn display(v: &Value) -> String {
    if v.is_undefined() || v.is_none() {
        String::new()
    } else {
        v.to_string()
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// A duration in minutes for people: `45 min`, `2 h 05 min`, `3 d 4 h`.
pub fn minutes(n: i64) -> String {
    let n = n.max(0);
    match n {
        0..=59 => format!("{n} min"),
        60..=1439 => format!("{} h {:02} min", n / 60, n % 60),
        _ => format!("{} d {} h", n / 1440, (n % 1440) / 60),
    }
}

/// Renders a template by name with a context (`minijinja::context!`, serializable values
/// wrapped in `Serde`); errors name the template.
pub fn render(
    env: &Environment<'_>,
    name: &str,
    context: impl Into<Value>,
) -> anyhow::Result<String> {
    let template = env
        .get_template(name)
        .map_err(|e| template_error(name, &e))?;
    let text = template
        .render(context)
        .map_err(|e| template_error(name, &e))?;
    Ok(collapse_blank_lines(&text))
}

/// Templates are easier to write with generous blank lines; the output keeps at most one.
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        out.push(c);
    }
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn template_error(name: &str, e: &Error) -> anyhow::Error {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    crate::error::UserError::new(format!(
        "template {name}{line}: {}",
        e.detail().unwrap_or(&e.to_string())
    ))
    .hint(format!(
        "check the override in {OVERRIDE_DIR}/{name}, or remove it to use the built-in template"
    ))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_and_durations() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(minutes(43), "43 min");
        assert_eq!(minutes(125), "2 h 05 min");
        assert_eq!(minutes(3000), "2 d 2 h");
    }

    #[test]
    fn escapes_unless_safe() {
        let mut env = environment(None, &[]);
        env.add_template("t", "{{ x }} {{ x|cell }}").unwrap();
        let out = render(&env, "t", minijinja::context! { x => "<b>|*" }).unwrap();
        assert_eq!(out, "\\<b\\>\\|\\* \\<b\\>\\|\\*\n");
    }
}
