//! How coe fits its surroundings: shell completions, man pages, the JSON Schema for
//! editors, repository discovery, colour, broken pipes and help texts.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{complete_coe, stdout, TestEnv};

const ID: &str = "2026-11-22-checkout-latency";
const STARTED: &str = "2026-11-22T09:58:00Z";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A repository holding the complete example COE.
fn env_with_coe() -> TestEnv {
    let env = TestEnv::new();
    env.write(&format!("coes/{ID}.yaml"), complete_coe(ID, STARTED));
    env
}

/// Every violation of the JSON Schema `schema` in `doc`, as `/json/pointer: message`,
/// checked by the `jsonschema` crate with formats (`date`, `date-time`) enforced.
fn schema_errors(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("coe's schema is not a valid draft-07 schema: {e}"));
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn strip_ansi(text: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(text, "")
        .into_owned()
}

// ---------------------------------------------------------------- completions and man

#[test]
fn completions_for_every_shell() {
    let env = TestEnv::empty();
    for (shell, marker) in [
        ("bash", "_coe()"),
        ("zsh", "#compdef coe"),
        ("fish", "complete -c coe"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[coe]"),
    ] {
        let out = env.coe(&["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", env.transcript(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        assert!(script.contains("report"), "{shell}: subcommands missing");
        assert_eq!(stderr(&out), "", "{shell}: data only on stdout");
    }
}

#[test]
fn completions_for_an_unknown_shell_is_a_usage_error() {
    let env = TestEnv::empty();
    let out = env.coe(&["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{}",
        env.transcript(&out)
    );
}

#[test]
fn completions_to_a_file() {
    let env = TestEnv::empty();
    std::fs::create_dir(env.root.join("out")).unwrap();
    let out = env
        .coe(&["completions", "bash", "-o", "out/coe.bash"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert_eq!(stdout(&out), "");
    assert!(env.read("out/coe.bash").contains("_coe()"));
}

#[test]
fn man_page_is_roff_with_examples() {
    let env = TestEnv::empty();
    let out = env.coe(&["man"]).output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    let page = stdout(&out);
    for section in [
        ".TH coe 1",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
        ".SH EXAMPLES",
        ".SH ENVIRONMENT",
        ".SH FILES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    assert!(
        page.contains("coe\\-report(1)"),
        "subcommands name their pages"
    );
    assert!(page.contains("COE_DIR"));

    let out = env.coe(&["man", "report"]).output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert!(stdout(&out).contains(".TH coe-report 1"));

    let out = env.coe(&["man", "reprot"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("man_unknown_command", env.transcript(&out));
}

#[test]
fn man_writes_one_page_per_command() {
    let env = TestEnv::empty();
    let out = env.coe(&["man", "-o", "man1"]).output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert_eq!(stdout(&out), "", "files written, nothing on stdout");
    let mut pages: Vec<String> = std::fs::read_dir(env.root.join("man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in [
        "coe.1",
        "coe-init.1",
        "coe-new.1",
        "coe-check.1",
        "coe-report.1",
    ] {
        assert!(pages.iter().any(|p| p == expected), "{pages:?}");
    }
    assert!(!pages.iter().any(|p| p == "coe-help.1"), "{pages:?}");
    for page in &pages {
        let text = env.read(&format!("man1/{page}"));
        let title = format!(".TH {} 1", page.trim_end_matches(".1"));
        assert!(text.contains(&title), "{page} lacks {title}");
    }
    assert!(
        stderr(&out).contains(&format!("Wrote {} man pages to man1", pages.len())),
        "{}",
        env.transcript(&out)
    );
}

// ---------------------------------------------------------------- schema

fn schema(env: &TestEnv, args: &[&str]) -> Value {
    let out = env.coe(args).output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn yaml_to_json(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

#[test]
fn schema_has_identity_and_rejects_unknown_keys() {
    let env = TestEnv::empty();
    let schema = schema(&env, &["schema"]);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["$id"], "urn:coe:schema:coe-file:1");
    assert_eq!(schema["title"], "COE file (format version 1)");
    assert!(schema["description"].as_str().is_some());
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
    let required = schema["required"].as_array().unwrap();
    for key in ["version", "id", "title", "severity", "incident"] {
        assert!(required.contains(&Value::from(key)), "{key} not required");
    }
}

#[test]
fn every_example_coe_validates_against_the_schema() {
    let env = TestEnv::new();
    let schema = schema(&env, &["schema"]);
    let mut documents = vec![
        ("complete".to_string(), complete_coe(ID, STARTED)),
        (
            "offset".to_string(),
            complete_coe("2026-01-05-queue-backlog", "2026-01-05T08:10:00+01:00"),
        ),
    ];
    // The bundled demo repository, when there is one.
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo/coes");
    if demo.is_dir() {
        let before = documents.len();
        for entry in std::fs::read_dir(&demo).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&path).unwrap();
                documents.push((path.display().to_string(), text));
            }
        }
        assert!(
            documents.len() > before,
            "no COE files in {}",
            demo.display()
        );
    }
    // What coe itself writes: a draft skeleton, and one with every answer given.
    for args in [
        &[
            "new",
            "--no-input",
            "--title",
            "Draft only",
            "--started",
            STARTED,
        ][..],
        &[
            "new",
            "--no-input",
            "--title",
            "Everything given",
            "--severity",
            "SEV1",
            "--leader",
            "Jane Doe",
            "--service",
            "checkout,payments",
            "--started",
            STARTED,
            "--detected",
            "10:04",
            "--summary",
            "A config push.",
            "--event",
            "09:58 Config pushed",
            "--customers",
            "Checkout failed.",
            "--customers-affected",
            "1200",
            "--business",
            "Orders delayed.",
            "--root-cause",
            "Unstaged config.",
            "--category",
            "configuration",
            "--why",
            "One",
            "--data",
            "Graph https://example.com/g",
            "--security",
            "None: timeouts only.",
            "--lesson",
            "Stage config.",
            "--action",
            "Stage config pushes; kind=prevent; owner=team; due=2026-12-15",
        ][..],
    ] {
        let out = env.coe(args).output().unwrap();
        assert!(out.status.success(), "{}", env.transcript(&out));
        let id = stdout(&out).trim().to_string();
        documents.push((id.clone(), env.read(&format!("coes/{id}.yaml"))));
    }
    for (name, text) in &documents {
        assert!(
            coe::store::format::parse(text).is_ok(),
            "{name} does not parse"
        );
        let errors = schema_errors(&schema, &yaml_to_json(text));
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// Mistakes the schema must flag while the user types; where coe's parser rejects the
/// same file, the two agree.
#[test]
fn the_schema_flags_mistakes() {
    let env = TestEnv::empty();
    let schema = schema(&env, &["schema"]);
    let good = complete_coe(ID, STARTED);
    for (what, from, to, expected) in [
        (
            "typo at the top",
            "title:",
            "titel:",
            ": Additional properties are not allowed ('titel' was unexpected)",
        ),
        (
            "typo inside",
            "  business:",
            "  busines:",
            "/impact: Additional properties are not allowed ('busines'",
        ),
        ("status", "status: review", "status: finished", "/status"),
        (
            "kind",
            "kind: prevent",
            "kind: fix",
            "/corrective_actions/0/kind",
        ),
        ("version", "version: 1", "version: 2", "/version"),
        (
            "date",
            "\"2026-12-15\"",
            "\"2026-12-32\"",
            "/corrective_actions/0/due",
        ),
        (
            "timestamp",
            "resolved: \"2026-11-22T11:30:00Z\"",
            "resolved: \"2026-11-22 11:30\"",
            "/incident/resolved",
        ),
        (
            "id",
            "id: 2026-11-22-checkout-latency",
            "id: ../etc/passwd",
            "/id",
        ),
        (
            "a number",
            "customers_affected: 12000",
            "customers_affected: lots",
            "/impact/customers_affected",
        ),
    ] {
        assert!(good.contains(from), "{what}: {from:?} not in the example");
        let bad = good.replacen(from, to, 1);
        let errors = schema_errors(&schema, &yaml_to_json(&bad));
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{what}: {errors:#?} lacks {expected:?}"
        );
        if what != "id" {
            assert!(
                coe::store::format::parse(&bad).is_err(),
                "{what}: coe reads it, the schema does not"
            );
        }
    }
}

#[test]
fn init_writes_the_schema_for_editors() {
    let env = TestEnv::new();
    let out = env.coe(&["schema"]).output().unwrap();
    assert_eq!(env.read(".coe/coe.schema.json"), stdout(&out));
    assert_eq!(
        env.git(&["status", "--porcelain"]),
        "",
        "committed with the init"
    );
}

#[test]
fn config_schema_accepts_what_init_writes_and_flags_typos() {
    let env = TestEnv::new();
    let schema = schema(&env, &["schema", "--config"]);
    assert_eq!(schema["$id"], "urn:coe:schema:config:1");
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
    assert_eq!(schema["properties"]["due_days"]["default"], 14);
    let written = yaml_to_json(&env.read(".coe.yaml"));
    assert_eq!(schema_errors(&schema, &written), Vec::<String>::new());
    let typo = yaml_to_json("due_dayz: 7\n");
    assert_eq!(
        schema_errors(&schema, &typo),
        vec![": Additional properties are not allowed ('due_dayz' was unexpected)".to_string()]
    );
}

// ---------------------------------------------------------------- discovery

#[test]
fn found_from_a_subdirectory() {
    let env = env_with_coe();
    std::fs::create_dir_all(env.root.join("deep/er")).unwrap();
    for dir in ["coes", "deep/er"] {
        let out = env
            .coe(&["show", ID])
            .current_dir(env.root.join(dir))
            .output()
            .unwrap();
        assert!(out.status.success(), "from {dir}: {}", env.transcript(&out));
        assert!(stdout(&out).contains("Checkout latency spike"));
    }
}

#[test]
fn dash_c_runs_as_if_started_there() {
    let env = env_with_coe();
    let elsewhere = TestEnv::empty();
    std::fs::create_dir_all(env.root.join("sub")).unwrap();
    let sub = env.root.join("sub");
    let out = env
        .coe(&["-C", sub.to_str().unwrap(), "show", ID])
        .current_dir(&elsewhere.root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));

    let out = env
        .coe(&["-C", "no/such/dir", "show", ID])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-C no/such/dir: no such directory"));
}

#[test]
fn nearest_coe_yaml_wins_inside_a_monorepo() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    env.write("incidents/.coe.yaml", "dir: records\ncommit: false\n");
    env.write(
        &format!("incidents/records/{ID}.yaml"),
        complete_coe(ID, STARTED),
    );
    std::fs::create_dir_all(env.root.join("incidents/records/2026")).unwrap();
    let out = env
        .coe(&["show", ID])
        .current_dir(env.root.join("incidents/records/2026"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    // From the git root, `incidents/.coe.yaml` is below, not above: not found.
    let out = env.coe(&["show", ID]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", env.transcript(&out));
}

#[test]
fn git_root_without_coe_yaml_uses_the_defaults() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    env.write(&format!("coes/{ID}.yaml"), complete_coe(ID, STARTED));
    std::fs::create_dir_all(env.root.join("src/module")).unwrap();
    let out = env
        .coe(&["show", ID])
        .current_dir(env.root.join("src/module"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
}

/// A `.coe.yaml` above the git work tree (say in a home directory) belongs to another
/// project: discovery stops at the work-tree root, as git's own does.
#[test]
fn coe_yaml_above_the_git_repository_is_not_used() {
    let env = TestEnv::empty();
    env.write(".coe.yaml", "dir: elsewhere\n");
    env.write(
        &format!("project/coes/{ID}.yaml"),
        complete_coe(ID, STARTED),
    );
    env.git(&["init", "-q", "-b", "main", "project"]);
    let out = env
        .coe(&["show", ID])
        .current_dir(env.root.join("project/coes"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
}

#[test]
fn coe_dir_overrides_the_directory() {
    let env = TestEnv::new();
    env.write(&format!("archive/{ID}.yaml"), complete_coe(ID, STARTED));
    std::fs::create_dir_all(env.root.join("sub")).unwrap();
    let out = env.coe(&["show", ID]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "not in coes/");
    // Relative to the repository root, wherever coe runs.
    let out = env
        .coe(&["show", ID])
        .env("COE_DIR", "archive")
        .current_dir(env.root.join("sub"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    let out = env
        .coe(&[
            "new",
            "--no-input",
            "--title",
            "Into the archive",
            "--started",
            STARTED,
        ])
        .env("COE_DIR", "archive")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert!(env
        .root
        .join("archive/2026-11-22-into-the-archive.yaml")
        .is_file());

    let out = env
        .coe(&["show", ID])
        .env("COE_DIR", "../outside")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("outside the repository"),
        "{}",
        env.transcript(&out)
    );
}

#[test]
fn no_repository_suggests_coe_init() {
    let env = TestEnv::empty();
    let out = env.coe(&["show", ID]).output().unwrap();
    insta::assert_snapshot!("no_repository", env.transcript(&out));
}

// ---------------------------------------------------------------- output hygiene

/// The write end of a pipe whose reader has already gone, like `| head -1` after its line.
fn closed_pipe() -> Stdio {
    let mut reader = std::process::Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let write_end = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(write_end)
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let env = env_with_coe();
    for args in [
        &["show", ID][..],
        &["show", ID, "--format", "html"][..],
        &["completions", "bash"][..],
        &["man"][..],
        &["schema"][..],
    ] {
        let out = env.std_coe(args).stdout(closed_pipe()).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

#[test]
fn piped_into_head() {
    let env = env_with_coe();
    let coe = assert_cmd::cargo::cargo_bin("coe");
    let script = format!(
        "set -o pipefail; '{coe}' show {ID} | head -1 && '{coe}' completions bash | head -1",
        coe = coe.display()
    );
    let mut sh = std::process::Command::new("bash");
    crate::common::hermetic(&mut sh, &env.root);
    let out = sh
        .current_dir(&env.root)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert_eq!(stderr(&out), "");
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("Checkout latency spike"), "{lines:?}");
    assert_eq!(lines[1], "_coe() {");
}

#[test]
fn a_bad_config_is_a_message_not_a_backtrace() {
    let env = TestEnv::new();
    env.write(".coe.yaml", "dir: coes\ndue_dayz: 7\n");
    let out = env
        .coe(&["show", ID])
        .env("RUST_BACKTRACE", "1")
        .env("RUST_LIB_BACKTRACE", "1")
        .output()
        .unwrap();
    insta::assert_snapshot!("bad_config_with_backtrace_env", env.transcript(&out));
}

#[test]
fn color_always_colours_messages_never_and_no_color_do_not() {
    let env = TestEnv::empty();
    // The error and its hint, with NO_COLOR=1 set by the harness.
    let always = env
        .coe(&["--color", "always", "show", ID])
        .output()
        .unwrap();
    let never = env.coe(&["--color", "never", "show", ID]).output().unwrap();
    let auto = env.coe(&["show", ID]).output().unwrap();
    let from_env = env
        .coe(&["show", ID])
        .env("COE_COLOR", "always")
        .output()
        .unwrap();
    assert!(stderr(&always).contains("\x1b["), "{}", stderr(&always));
    assert!(stderr(&from_env).contains("\x1b["), "{}", stderr(&from_env));
    assert!(!stderr(&never).contains('\x1b'));
    assert!(!stderr(&auto).contains('\x1b'));
    assert_eq!(strip_ansi(&stderr(&always)), stderr(&never));
    assert!(stderr(&never).contains("error: ") && stderr(&never).contains("hint: "));

    // clap's own errors follow --color too.
    let always = env.coe(&["--color", "always", "bogus"]).output().unwrap();
    let never = env.coe(&["--color=never", "bogus"]).output().unwrap();
    assert_eq!(always.status.code(), Some(2));
    assert!(stderr(&always).contains("\x1b["), "{}", stderr(&always));
    assert!(!stderr(&never).contains('\x1b'), "{}", stderr(&never));

    // Status messages too, while data on stdout never carries escapes.
    let out = env
        .coe(&["--color", "always", "--no-commit", "init"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert!(stderr(&out).contains("\x1b["));
    assert_eq!(stdout(&out), "");
}

/// `--color auto` colours on a terminal unless NO_COLOR is set: run through a real
/// pseudo-terminal.
#[test]
fn auto_colour_on_a_terminal() {
    let env = TestEnv::empty();
    let run = |no_color: bool| {
        let mut cmd = env.std_coe(&["show", ID]);
        cmd.env_remove("NO_COLOR").env("TERM", "xterm-256color");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let mut session = expectrl::Session::spawn(cmd).unwrap();
        let captured = expectrl::Expect::expect(&mut session, expectrl::Eof).unwrap();
        String::from_utf8_lossy(captured.as_bytes()).into_owned()
    };
    let coloured = run(false);
    assert!(coloured.contains("\x1b["), "{coloured:?}");
    assert!(coloured.contains("no COE repository found"), "{coloured:?}");
    let plain = run(true);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(
        plain.contains("error: no COE repository found"),
        "{plain:?}"
    );
}

#[test]
fn messages_on_stderr_data_on_stdout() {
    let env = TestEnv::new();
    let out = env.coe(&["schema", "-o", "s.json"]).output().unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out).trim(), "Wrote s.json");
    let out = env.coe(&["-q", "schema", "-o", "s.json"]).output().unwrap();
    assert_eq!((stdout(&out), stderr(&out)), (String::new(), String::new()));
}

// ---------------------------------------------------------------- help

#[test]
fn top_level_help() {
    let env = TestEnv::empty();
    let out = env.coe(&["--help"]).output().unwrap();
    insta::assert_snapshot!("help", env.transcript(&out));
    let out = env.coe(&["-h"]).output().unwrap();
    insta::assert_snapshot!("help_short", env.transcript(&out));
}

#[test]
fn version_is_quick_and_plain() {
    let env = TestEnv::empty();
    let out = env.coe(&["-V"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(stdout(&out), format!("coe {}\n", env!("CARGO_PKG_VERSION")));
    // Outside any repository and without touching git: nothing but clap runs.
    let out = env.coe(&["--version"]).current_dir("/").output().unwrap();
    assert!(out.status.success());
}

#[test]
fn a_bad_coe_today_is_reported_not_ignored() {
    let env = TestEnv::new();
    let out = env
        .coe(&["report"])
        .env("COE_TODAY", "2026-13-45")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert!(
        env.transcript(&out)
            .contains("warning: COE_TODAY: `2026-13-45` is not a real calendar date"),
        "{}",
        env.transcript(&out)
    );
}
