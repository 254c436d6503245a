//! `coe check`: one fixture per rule (tests/fixtures/check/<rule>/), run in text and JSON,
//! snapshotted with the exit code; bad input of every kind; the CI formats.

use std::path::Path;

use serde::Deserialize;

use crate::common::{complete_coe, TestEnv};

/// A repository holding a copy of `tests/fixtures/check/<name>/`.
fn fixture(name: &str) -> TestEnv {
    let env = TestEnv::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name);
    copy_dir(&src, &env.root);
    env
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `$ coe check ARGS` and its transcript; never a panic.
fn run(env: &TestEnv, args: &[&str]) -> (Option<i32>, String) {
    let out = env.coe(args).output().unwrap();
    let text = format!("$ coe {}\n{}", args.join(" "), env.transcript(&out));
    assert!(
        !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
        "{text}"
    );
    (out.status.code(), text)
}

/// The text and JSON runs of `coe check EXTRA` on a fixture, as one snapshot; returns
/// the exit code (the same for both formats).
fn check_fixture(name: &str, extra: &[&str]) -> i32 {
    let env = fixture(name);
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    let (code, text) = run(&env, &args);
    args.extend_from_slice(&["--format", "json"]);
    let (json_code, json) = run(&env, &args);
    assert_eq!(code, json_code, "{text}\n{json}");
    insta::assert_snapshot!(name, format!("{text}\n{json}"));
    code.unwrap()
}

#[test]
fn valid() {
    assert_eq!(check_fixture("valid", &["--incidents", "incidents.txt"]), 0);
}

#[test]
fn parse() {
    assert_eq!(check_fixture("parse", &[]), 1);
}

#[test]
fn check_never_changes_a_file() {
    let env = fixture("incomplete");
    let rel = "coes/2026-11-01-search-outage.yaml";
    let before = env.read(rel);
    let status = env.git(&["status", "--porcelain", "--untracked-files=all"]);
    env.coe(&["check", "--strict"]).assert().code(1);
    assert_eq!(env.read(rel), before);
    assert_eq!(
        env.git(&["status", "--porcelain", "--untracked-files=all"]),
        status
    );
}

#[test]
fn id() {
    assert_eq!(check_fixture("id", &[]), 1);
}

#[test]
fn file_name() {
    assert_eq!(check_fixture("file-name", &[]), 1);
}

#[test]
fn duplicate_id() {
    assert_eq!(check_fixture("duplicate-id", &[]), 1);
}

#[test]
fn duplicate_action_id() {
    assert_eq!(check_fixture("duplicate-action-id", &[]), 1);
}

#[test]
fn incident_times() {
    assert_eq!(check_fixture("incident-times", &[]), 1);
}

#[test]
fn timeline_order() {
    assert_eq!(check_fixture("timeline-order", &[]), 1);
}

#[test]
fn severity() {
    assert_eq!(check_fixture("severity", &[]), 1);
}

#[test]
fn category() {
    assert_eq!(check_fixture("category", &[]), 1);
}

#[test]
fn incomplete() {
    assert_eq!(check_fixture("incomplete", &[]), 1);
}

#[test]
fn blame() {
    assert_eq!(check_fixture("blame", &[]), 0, "blame is a warning");
}

#[test]
fn whys() {
    assert_eq!(
        check_fixture("whys", &[]),
        0,
        "too few whys in the window is a warning"
    );
}

#[test]
fn security() {
    assert_eq!(check_fixture("security", &[]), 0, "a warning in the window");
}

#[test]
fn overdue_action() {
    assert_eq!(check_fixture("overdue-action", &[]), 0, "a warning");
}

#[test]
fn empty_item() {
    assert_eq!(check_fixture("empty-item", &[]), 1);
}

#[test]
fn link() {
    assert_eq!(check_fixture("link", &[]), 1);
}

#[test]
fn done_date() {
    assert_eq!(check_fixture("done-date", &[]), 0, "a warning");
}

#[test]
fn remediation() {
    assert_eq!(check_fixture("remediation", &[]), 0, "a warning");
}

#[test]
fn prevention() {
    assert_eq!(check_fixture("prevention", &[]), 0, "a warning");
}

#[test]
fn approvals() {
    assert_eq!(check_fixture("approvals", &[]), 1);
}

#[test]
fn duplicate_incident_ref() {
    assert_eq!(check_fixture("duplicate-incident-ref", &[]), 1);
}

#[test]
fn incident_severity() {
    assert_eq!(
        check_fixture("incident-severity", &["--incidents", "incidents.txt"]),
        0,
        "a warning: the incident has its COE"
    );
}

#[test]
fn unlisted_incident() {
    assert_eq!(
        check_fixture("unlisted-incident", &["--incidents", "incidents.txt"]),
        1,
        "the note, and the listed incident without a COE"
    );
}

#[test]
fn missing_coe_from_a_line_list() {
    assert_eq!(
        check_fixture("missing-coe", &["--incidents", "incidents.txt"]),
        1
    );
}

#[test]
fn missing_coe_from_json_and_csv() {
    let env = fixture("missing-coe");
    let (code, text) = run(&env, &["check", "--incidents", "incidents.json"]);
    let (csv_code, csv) = run(&env, &["check", "--incidents", "incidents.csv"]);
    assert_eq!((code, csv_code), (Some(1), Some(1)));
    insta::assert_snapshot!(format!("{text}\n{csv}"));
}

#[test]
fn strict_turns_warnings_into_errors() {
    let env = fixture("whys");
    let (code, text) = run(&env, &["check", "--strict"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("error[whys]"), "{text}");
    assert!(
        text.contains("note[incomplete]"),
        "notes stay notes: {text}"
    );
}

#[test]
fn github_annotations() {
    let env = fixture("incomplete");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/blame"),
        &env.root,
    );
    let (code, text) = run(&env, &["check", "--format", "github"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(text);
}

#[test]
fn github_paths_are_relative_to_the_work_tree() {
    let env = TestEnv::new();
    env.write("ops/.coe.yaml", "dir: postmortems\n");
    env.write(
        "ops/postmortems/2026-10-01-x.yaml",
        complete_coe("2026-10-01-x", "2026-10-01T09:58:00Z").replace("SEV2", "SEV9"),
    );
    let (code, text) = run(&env, &["-C", "ops", "check", "--format", "github"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("::error file=ops/postmortems/2026-10-01-x.yaml,line=5,title=coe severity::"),
        "{text}"
    );
    // Text output stays relative to the COE repository (the directory of .coe.yaml).
    let (_, text) = run(&env, &["-C", "ops", "check"]);
    assert!(
        text.contains("postmortems/2026-10-01-x.yaml:5: error[severity]"),
        "{text}"
    );
}

/// What `--format json` promises, decoded into types (not compared as text).
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct JsonFinding {
    file: String,
    id: Option<String>,
    rule: String,
    severity: String,
    message: String,
    field: Option<String>,
    line: Option<usize>,
}

#[test]
fn json_findings_decode() {
    let env = fixture("overdue-action");
    let out = env
        .coe(&["check", "--format", "json", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let findings: Vec<JsonFinding> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings,
        [
            JsonFinding {
                file: "coes/2026-10-01-queue-backlog.yaml".into(),
                id: Some("2026-10-01-queue-backlog".into()),
                rule: "overdue-action".into(),
                severity: "error".into(),
                message: "corrective action CA-1 is 10 days late: due on 2026-11-15 and still \
                          open (owner team-platform)"
                    .into(),
                field: Some("CA-1.due".into()),
                line: Some(64),
            },
            JsonFinding {
                file: "coes/2026-10-01-queue-backlog.yaml".into(),
                id: Some("2026-10-01-queue-backlog".into()),
                rule: "overdue-action".into(),
                severity: "error".into(),
                message: "corrective action CA-2 is 1 day late: due on 2026-11-24 and still \
                          open (owner team-queues)"
                    .into(),
                field: Some("CA-2.due".into()),
                line: Some(70),
            },
        ]
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "checked 1 COE: 2 errors, 0 warnings\n"
    );
}

#[test]
fn given_files_only() {
    let env = fixture("incomplete");
    let (code, text) = run(
        &env,
        &[
            "check",
            "coes/2026-11-24-cdn-errors.yaml",
            "./coes/../coes/2026-11-24-cdn-errors.yaml",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("checked 1 COE: 0 errors, 0 warnings, 1 note"),
        "{text}"
    );
    // From a subdirectory, paths are relative to where coe runs; output to the root.
    let (code, text) = run(
        &env,
        &["-C", "coes", "check", "2026-11-20-login-errors.yaml"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("coes/2026-11-20-login-errors.yaml:31: error[incomplete]"),
        "{text}"
    );
}

#[test]
fn given_files_are_matched_against_every_coe_for_incidents() {
    let env = fixture("missing-coe");
    let (code, text) = run(
        &env,
        &[
            "check",
            "--incidents",
            "incidents.txt",
            "coes/2026-11-20-login-errors.yaml",
        ],
    );
    assert_eq!(code, Some(1), "{text}");
    // PD-48213 is covered by the COE that was not given.
    assert!(!text.contains("PD-48213 has no COE"), "{text}");
    assert!(text.contains("incident PD-48250 has no COE"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let env = fixture("valid");
    env.write("bad.csv", "when,what\n2026-11-22,outage\n");
    env.write("bad.json", "[\"PD-1\", 2, {\"x\": 1}]");
    env.write("broken.json", "[\"PD-1\",\n");
    env.write("binary.txt", b"PD-1\n\xff\xfe\n");
    env.write("unclosed.csv", "incident_ref\n\"PD-1\n");
    let mut transcript = String::new();
    for args in [
        &["check", "coes/nope.yaml"][..],
        &["check", "coes"],
        &["check", "--incidents", "missing.txt"],
        &["check", "--incidents", "bad.csv"],
        &["check", "--incidents", "bad.json"],
        &["check", "--incidents", "broken.json"],
        &["check", "--incidents", "binary.txt"],
        &["check", "--incidents", "unclosed.csv"],
        &["check", "--format", "xml"],
    ] {
        let (code, text) = run(&env, args);
        assert_eq!(code, Some(2), "{text}");
        transcript.push_str(&text);
        transcript.push('\n');
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn bad_configuration_exits_2() {
    let mut transcript = String::new();
    for config in [
        "due_days: [14\n",
        "due_dayz: 14\n",
        "min_whys: three\n",
        "dir: ../elsewhere\n",
    ] {
        let env = fixture("valid");
        env.write(".coe.yaml", config);
        let (code, text) = run(&env, &["check"]);
        assert_eq!(code, Some(2), "{text}");
        transcript.push_str(&format!("# .coe.yaml: {config}{text}\n"));
    }
    insta::assert_snapshot!(transcript);
}

#[test]
fn huge_files_are_refused() {
    let env = TestEnv::new();
    let mut big = complete_coe("2026-11-22-big", "2026-11-22T09:58:00Z");
    big.push_str(&format!("# {}\n", "x".repeat(1024 * 1024)));
    env.write("coes/2026-11-22-big.yaml", big);
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, Some(1));
    insta::assert_snapshot!(text);
}

#[test]
fn an_empty_repository_passes() {
    let env = TestEnv::new();
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, Some(0));
    insta::assert_snapshot!(text);
}

#[test]
fn configuration_changes_the_rules() {
    let env = fixture("whys");
    env.write(
        ".coe.yaml",
        "min_whys: 5\ndue_days: 2\nblame_terms: [config change]\nseverities: [SEV1]\n",
    );
    let (code, text) = run(&env, &["check"]);
    assert_eq!(code, Some(1), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = fixture("whys");
    let plain = env.coe(&["check"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\x1b'));
    let coloured = env
        .coe(&["check", "--color", "always"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&coloured.stdout);
    assert!(
        stdout.contains("\x1b[1m\x1b[33mwarning[whys]"),
        "{stdout:?}"
    );
}

#[test]
fn many_files_check_quickly_in_parallel() {
    let env = TestEnv::new();
    for i in 0..500 {
        let id = format!("2026-10-01-incident-{i}");
        env.write(
            &format!("coes/{id}.yaml"),
            complete_coe(&id, "2026-10-01T09:58:00Z").replace("PD-48213", &format!("PD-{i}")),
        );
    }
    env.write(
        "incidents.txt",
        (0..501).map(|i| format!("PD-{i}\n")).collect::<String>(),
    );
    let (code, text) = run(&env, &["check", "--incidents", "incidents.txt"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("incidents.txt:501: error[missing-coe]: incident PD-500 has no COE"));
    assert!(text.contains("checked 500 COEs and 501 listed incidents: 1 error, 0 warnings"));
}

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("## `coe check`").unwrap()..];
    for rule in coe::check::Rule::ALL {
        assert!(
            section.contains(&format!("| `{}` |", rule.as_str())),
            "README's \"coe check\" section does not list the rule `{}`",
            rule.as_str()
        );
    }
}

/// How one local run of the action's steps went.
struct ActionRun {
    /// The exit status of the last step run.
    code: Option<i32>,
    /// Every step's output.
    transcript: String,
    /// The fake cargo's arguments, when it was run.
    cargo: Option<String>,
}

/// Runs the steps of `action.yml` the way GitHub runs a composite action: each `run`
/// step in bash, with `${{ ... }}` filled in (inputs, `github.action_path`, earlier
/// steps' outputs), `if:` conditions evaluated, `$GITHUB_PATH` honoured, and the
/// `actions/cache` steps (GitHub's own) left out as a first run would see them: a miss.
/// `cargo` is a stand-in that records its arguments and installs the coe under test (no
/// network). `release` is the `release-url` input (a local `file://` directory or a
/// localhost server).
fn run_action(env: &TestEnv, extra_args: &str, release: &str) -> ActionRun {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let action: serde_yaml::Value = serde_yaml::from_str(&read("action.yml")).unwrap();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let tools = tempfile::tempdir().unwrap();
    let cargo_home = tools.path().join("cargo-home");
    let log = tools.path().join("cargo-args");
    let summary = tools.path().join("step-summary.md");
    let github_path = tools.path().join("github-path");
    let runner_temp = tools.path().join("runner-temp");
    let shim_dir = tools.path().join("shims");
    std::fs::create_dir_all(&shim_dir).unwrap();
    std::fs::create_dir_all(&runner_temp).unwrap();
    std::fs::write(&github_path, "").unwrap();
    let shim = shim_dir.join("cargo");
    std::fs::write(
        &shim,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$FAKE_CARGO_LOG\"\n\
         mkdir -p \"$CARGO_HOME/bin\" && cp \"$COE_UNDER_TEST\" \"$CARGO_HOME/bin/coe\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut outputs: std::collections::HashMap<String, String> = Default::default();
    let expand = |value: &str, outputs: &std::collections::HashMap<String, String>| -> String {
        let mut out = value.replace("${{ github.action_path }}", &root.display().to_string());
        out = out.replace("${{ runner.os }}", "Linux");
        for (name, with) in [
            ("args", extra_args.to_string()),
            ("release-url", release.to_string()),
            (
                "working-directory",
                action["inputs"]["working-directory"]["default"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            ),
        ] {
            out = out.replace(&format!("${{{{ inputs.{name} }}}}"), &with);
        }
        for (key, value) in outputs {
            out = out.replace(&format!("${{{{ steps.{key} }}}}"), value);
        }
        assert!(
            !out.contains("${{"),
            "an expression the test does not know: {out}"
        );
        out
    };
    // `steps.X.outputs.Y != 'V'` (or `==`), joined by `&&`: the conditions action.yml uses.
    let holds = |condition: &str, outputs: &std::collections::HashMap<String, String>| {
        condition.split(" && ").all(|part| {
            let (lhs, rhs, equal) = match part.split_once(" != ") {
                Some((l, r)) => (l, r, false),
                None => {
                    let (l, r) = part.split_once(" == ").expect("a known condition");
                    (l, r, true)
                }
            };
            let key = lhs.trim().strip_prefix("steps.").expect("a step output");
            let value = outputs.get(key).map(String::as_str).unwrap_or("");
            (value == rhs.trim().trim_matches('\'')) == equal
        })
    };
    let mut run = ActionRun {
        code: None,
        transcript: String::new(),
        cargo: None,
    };
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        if let Some(condition) = step["if"].as_str() {
            if !holds(condition, &outputs) {
                continue;
            }
        }
        if let Some(uses) = step["uses"].as_str() {
            assert_eq!(
                uses, "actions/cache@v4",
                "only GitHub's cache runs outside bash"
            );
            for value in step["with"].as_mapping().unwrap().values() {
                expand(value.as_str().unwrap(), &outputs); // every expression is known
            }
            continue;
        }
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "expressions go through env, not into scripts"
        );
        assert_eq!(step["shell"].as_str(), Some("bash"));
        let github_output = tools.path().join("github-output");
        std::fs::write(&github_output, "").unwrap();
        let added: Vec<String> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script]);
        crate::common::hermetic(&mut cmd, &env.root);
        let dir = step["working-directory"]
            .as_str()
            .map(|d| expand(d, &outputs))
            .unwrap_or(".".into());
        let mut path = added;
        path.push(cargo_home.join("bin").display().to_string());
        path.push(shim_dir.display().to_string());
        path.push("/usr/bin:/bin".into());
        cmd.current_dir(env.root.join(dir))
            .env("PATH", path.join(":"))
            .env("CARGO_HOME", &cargo_home)
            .env("FAKE_CARGO_LOG", &log)
            .env("COE_UNDER_TEST", assert_cmd::cargo::cargo_bin("coe"))
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &github_output)
            .env("GITHUB_PATH", &github_path)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &runner_temp);
        if let Some(vars) = step["env"].as_mapping() {
            for (key, value) in vars {
                cmd.env(
                    key.as_str().unwrap(),
                    expand(value.as_str().unwrap(), &outputs),
                );
            }
        }
        let out = cmd.output().unwrap();
        run.transcript.push_str(&env.transcript(&out));
        if let Some(id) = step["id"].as_str() {
            for line in std::fs::read_to_string(&github_output).unwrap().lines() {
                if let Some((key, value)) = line.split_once('=') {
                    outputs.insert(format!("{id}.outputs.{key}"), value.to_string());
                }
            }
        }
        run.code = out.status.code();
        if run.code != Some(0) {
            break;
        }
    }
    run.cargo = std::fs::read_to_string(&log).ok();
    if let Ok(job_summary) = std::fs::read_to_string(&summary) {
        assert!(job_summary.starts_with("## coe check\n"), "{job_summary}");
    }
    run
}

/// A release directory as the release workflow writes one: this platform's archive of
/// the coe under test and its `.sha256`, or a wrong sum.
fn fake_release(dir: &Path, right_sum: bool) {
    let name = format!(
        "coe-v{}-x86_64-unknown-linux-musl.tar.gz",
        env!("CARGO_PKG_VERSION")
    );
    let staging = tempfile::tempdir().unwrap();
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("coe"),
        staging.path().join("coe"),
    )
    .unwrap();
    let tar = std::process::Command::new("tar")
        .arg("-czf")
        .arg(dir.join(&name))
        .arg("-C")
        .arg(staging.path())
        .arg("coe")
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = std::process::Command::new("sha256sum")
        .arg(&name)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(sum.status.success());
    let mut line = String::from_utf8(sum.stdout).unwrap();
    if !right_sum {
        line = format!("{}{}", "0".repeat(64), &line[64..]);
    }
    std::fs::write(dir.join(format!("{name}.sha256")), line).unwrap();
}

/// The workflow template's coe step, run locally with `run_action`: the release path
/// (archive and checksum from a local directory, no cargo), a checksum mismatch (fails,
/// nothing run), and no asset (cargo install of the action's checkout), on fixtures that
/// fail and pass.
#[test]
fn the_workflow_template_runs_the_action_locally() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&read("templates/github-workflow.yml")).unwrap();
    let steps = workflow["jobs"]["check"]["steps"].as_sequence().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(uses, ["actions/checkout@v4", "OWNER/coe@COMMIT"]);
    assert!(
        steps.iter().all(|s| s["run"].is_null()),
        "every command runs inside the action"
    );

    let good = tempfile::tempdir().unwrap();
    fake_release(good.path(), true);
    let bad = tempfile::tempdir().unwrap();
    fake_release(bad.path(), false);
    let empty = tempfile::tempdir().unwrap();
    let url = |dir: &tempfile::TempDir| format!("file://{}", dir.path().display());

    for (fixture_name, extra_args, expected) in [
        ("incomplete", "", 1),
        ("missing-coe", "--incidents incidents.json", 1),
        ("valid", "--incidents incidents.txt", 0),
    ] {
        // The release: installed from the archive, cargo never runs.
        let env = fixture(fixture_name);
        let run = run_action(&env, extra_args, &url(&good));
        assert_eq!(
            run.code,
            Some(expected),
            "{fixture_name}: {}",
            run.transcript
        );
        assert_eq!(run.cargo, None, "{}", run.transcript);
        assert!(
            run.transcript.contains("installed from file://"),
            "{}",
            run.transcript
        );
        if expected == 1 {
            assert!(
                run.transcript.contains("::error file="),
                "{}",
                run.transcript
            );
        }
        // No asset for this version: cargo install of the action's own checkout.
        let run = run_action(&env, extra_args, &url(&empty));
        assert_eq!(
            run.code,
            Some(expected),
            "{fixture_name}: {}",
            run.transcript
        );
        assert_eq!(
            run.cargo
                .as_deref()
                .unwrap_or_default()
                .lines()
                .collect::<Vec<_>>(),
            ["install", "--locked", "--path", root.to_str().unwrap()],
            "{}",
            run.transcript
        );
        assert!(
            run.transcript.contains("has no coe-v"),
            "{}",
            run.transcript
        );
    }
    // A checksum that does not match fails the install step; nothing else runs.
    let env = fixture("valid");
    let run = run_action(&env, "", &url(&bad));
    assert_eq!(run.code, Some(1), "{}", run.transcript);
    assert!(
        run.transcript.contains("checksum mismatch"),
        "{}",
        run.transcript
    );
    assert_eq!(run.cargo, None);
    assert!(!run.transcript.contains("checked "), "{}", run.transcript);

    // The same over HTTP from a localhost server (404 for the missing asset), when
    // python3 is there to serve it.
    if let Some(server) = LocalServer::start(good.path()) {
        let run = run_action(&env, "", &server.url);
        assert_eq!(run.code, Some(0), "{}", run.transcript);
        assert_eq!(run.cargo, None, "{}", run.transcript);
        drop(server);
        if let Some(server) = LocalServer::start(empty.path()) {
            let run = run_action(&env, "", &server.url);
            assert_eq!(run.code, Some(0), "{}", run.transcript);
            assert!(
                run.cargo.is_some(),
                "404: cargo install; {}",
                run.transcript
            );
        }
    } else {
        eprintln!("note: no python3; the action's HTTP download is tested with file:// only");
    }

    // What the stand-in skipped: the lock file and the package at that path resolve
    // (`--locked` would refuse a stale Cargo.lock), and it builds a `coe` binary. Only this
    // platform's packages are asked for, which building the tests has already fetched;
    // nothing depends on what else a machine's cargo cache holds (no `--offline`).
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("-vV")
        .output()
        .unwrap();
    let host = String::from_utf8(rustc.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .unwrap();
    let metadata = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--locked",
            "--format-version",
            "1",
            "--filter-platform",
            &host,
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        metadata.status.success(),
        "{}",
        String::from_utf8_lossy(&metadata.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let root_id = metadata["resolve"]["root"].as_str().unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_str() == Some(root_id))
        .unwrap();
    assert!(package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "coe" && t["kind"][0] == "bin"));
}

#[test]
fn pre_commit_hooks_pass_the_staged_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let hooks: Vec<serde_yaml::Value> =
        serde_yaml::from_str(&read(".pre-commit-hooks.yaml")).unwrap();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["coe-check", "coe-check-all"]);
    assert!(hooks
        .iter()
        .all(|h| h["entry"].as_str() == Some("coe check")));
    assert_eq!(hooks[0]["pass_filenames"].as_bool(), Some(true));

    let config: serde_yaml::Value =
        serde_yaml::from_str(&read("templates/pre-commit-hooks.yaml")).unwrap();
    let repo = &config["repos"][0];
    assert_eq!(repo["repo"].as_str(), Some("https://github.com/OWNER/coe"));
    let hook = &repo["hooks"][0];
    assert_eq!(
        hook["id"].as_str(),
        Some("coe-check"),
        "a hook this repository provides"
    );
    assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
    // The hook's file pattern matches the COE files `coe new` writes, and nothing else.
    assert_eq!(hook["files"].as_str(), Some(r"^coes/.*\.ya?ml$"));

    // What pre-commit runs: `coe check` with the staged files; only they are parsed.
    let env = fixture("incomplete");
    env.write("coes/2026-11-30-broken.yaml", "version: 1\nid: [\n");
    let (code, text) = run(&env, &["check", "coes/2026-11-24-cdn-errors.yaml"]);
    assert_eq!(code, Some(0), "the broken file is not parsed: {text}");
}

#[test]
fn given_files_find_duplicate_ids_from_file_names() {
    let env = fixture("valid");
    let id = "2026-11-22-checkout-latency";
    env.write(
        "coes/2026-11-23-copy.yaml",
        complete_coe(id, "2026-11-22T09:58:00Z").replace("PD-48213", "PD-1"),
    );
    let (code, text) = run(&env, &["check", "coes/2026-11-23-copy.yaml"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "error[duplicate-id]: the id `{id}` is also used by coes/{id}.yaml"
        )),
        "{text}"
    );
}

/// Every rule has a fixture, `tests/fixtures/check/<rule>/`, on which `coe check` reports
/// that rule (with `--incidents incidents.txt` when the fixture has one): a new rule fails
/// here until it has one.
#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut missing = Vec::new();
    for rule in coe::check::Rule::ALL {
        let name = rule.as_str();
        if !root.join(name).is_dir() {
            missing.push(format!(
                "{name}: no fixture directory tests/fixtures/check/{name}/"
            ));
            continue;
        }
        let env = fixture(name);
        let mut args = vec!["check", "--format", "json"];
        if env.root.join("incidents.txt").is_file() {
            args.extend(["--incidents", "incidents.txt"]);
        }
        let out = env.coe(&args).output().unwrap();
        let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", env.transcript(&out)));
        if !findings.iter().any(|f| f["rule"] == name) {
            missing.push(format!("{name}: its fixture does not trigger it"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// A large repository (many COEs with overdue actions and blame, a few broken ones): the
/// default output stays short, with the same exit code and exactly the same errors as
/// `--all-findings`, errors first; JSON always has every finding.
#[test]
fn repeated_warnings_collapse_and_the_errors_stay_the_same() {
    let env = TestEnv::new();
    for i in 0..400 {
        let id = format!("2026-10-01-incident-{i}");
        let mut text = complete_coe(&id, "2026-10-01T09:58:00Z")
            .replace("PD-48213", &format!("PD-{i}"))
            .replace("due: \"2026-12-15\"", "due: \"2026-11-01\"");
        if i % 3 == 0 {
            text = text.replace("Latency alarm fired", "Human error by the on-call engineer");
        }
        if i % 50 == 7 {
            text = text.replace(
                "lessons:\n  - Global config pushes skip the canary stage.\n",
                "lessons: []\n",
            );
        }
        env.write(&format!("coes/{id}.yaml"), text);
    }
    let out = |args: &[&str]| {
        let out = env.coe(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, short, short_err) = out(&["check"]);
    let (all_code, all, _) = out(&["check", "--all-findings"]);
    assert_eq!((code, all_code), (Some(1), Some(1)));
    let lines = short.lines().count() + short_err.lines().count();
    assert!(lines < 40, "{lines} lines:\n{short}{short_err}");
    assert!(
        all.lines().count() > 500,
        "every finding with --all-findings"
    );
    let errors = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.contains(": error["))
            .map(String::from)
            .collect()
    };
    // The same places fail; the default output words each COE's gaps as one line.
    let place = |l: &String| l.split(": ").next().unwrap_or_default().to_string();
    assert_eq!(
        errors(&short).iter().map(place).collect::<Vec<_>>(),
        errors(&all).iter().map(place).collect::<Vec<_>>()
    );
    assert_eq!(errors(&short).len(), 8);
    // Errors first: every error line comes before the first warning.
    let first_warning = short.lines().position(|l| l.contains("warning[")).unwrap();
    assert!(short
        .lines()
        .take(first_warning)
        .all(|l| l.contains("error[")));
    assert!(
        short.contains(
            "warning[overdue-action]: 400 findings in 400 files (coes/2026-10-01-incident-0.yaml:"
        ),
        "{short}"
    );
    assert!(
        short_err.contains("warnings by rule: blame 134, overdue-action 400"),
        "{short_err}"
    );
    let (_, json, _) = out(&["check", "--format", "json"]);
    let findings: Vec<JsonFinding> = serde_json::from_str(&json).unwrap();
    assert_eq!(findings.len(), 8 + 134 + 400);
    // GitHub: the same collapsing, errors before warnings, one annotation per collapsed rule.
    let (code, github, _) = out(&["check", "--format", "github"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::error ")).count(),
        8
    );
    assert_eq!(
        github
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        2
    );
    assert!(github.lines().take(8).all(|l| l.starts_with("::error ")));
}

/// `python3 -m http.server` on 127.0.0.1 (a free port) serving a directory, stopped on
/// drop. `None` when python3 is missing.
struct LocalServer {
    child: std::process::Child,
    url: String,
}

impl LocalServer {
    fn start(dir: &Path) -> Option<LocalServer> {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap_or_default();
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map(String::from);
        let mut server = LocalServer {
            child,
            url: String::new(),
        };
        // Dropping `server` stops python when it did not say its port.
        server.url = format!("http://127.0.0.1:{}", port?);
        Some(server)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
