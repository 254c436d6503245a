//! The bundled example repository, `examples/demo`: every file is in the exact format coe
//! writes, and the repository holds the mix of incidents the README promises (recurrences,
//! drafts past due, overdue actions, a blame phrase for `coe check` to teach about).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use coe::model::coe::Coe;
use coe::model::ids::make_id;
use coe::model::kinds::ActionStatus;
use coe::model::kinds::Status;
use coe::model::policy::Config;
use jiff::civil::Date;

/// The day the demo is written against (also the test harness's `COE_TODAY`).
const TODAY: &str = "2026-11-25";

fn demo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo")
}

fn today() -> Date {
    TODAY.parse().unwrap()
}

fn config() -> Config {
    Config::load(&demo_root().join(".coe.yaml")).unwrap()
}

/// Every demo COE with its file text, sorted by file name.
fn demo_coes() -> Vec<(PathBuf, String, Coe)> {
    let dir = demo_root().join("coes");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let coe = coe::store::format::parse(&text).unwrap_or_else(|e| {
                panic!(
                    "{}: {}",
                    path.display(),
                    coe::store::describe(&path, &e.into())
                )
            });
            (path, text, coe)
        })
        .collect()
}

/// Everything people typed into a COE, lowercased, for phrase searches.
fn typed_text(coe: &Coe) -> String {
    coe::store::format::to_yaml(coe)
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

#[test]
fn every_demo_file_parses_and_round_trips_byte_for_byte() {
    let coes = demo_coes();
    assert!(coes.len() >= 8, "only {} demo COEs", coes.len());
    for (path, text, coe) in &coes {
        assert_eq!(
            &coe::store::format::to_yaml(coe),
            text,
            "{}: load then save changes the file",
            path.display()
        );
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(stem, coe.id, "{}: file name and id differ", path.display());
        assert_eq!(
            make_id(&coe.incident.started, &coe.title),
            coe.id,
            "{}: the id is not the start date and the title's slug",
            path.display()
        );
        // The same path coe itself loads through (size and UTF-8 checks included).
        assert_eq!(&coe::store::load_file(path).unwrap(), coe);
    }
    // The configuration is valid and keeps the demo from committing into coe's own repository.
    assert!(!config().commit);
}

#[test]
fn demo_covers_services_categories_and_severities() {
    let coes = demo_coes();
    let config = config();
    let services: BTreeSet<&str> = coes
        .iter()
        .flat_map(|(_, _, c)| c.services.iter().map(String::as_str))
        .collect();
    for s in [
        "checkout",
        "payments",
        "search",
        "auth",
        "inventory",
        "notifications",
    ] {
        assert!(services.contains(s), "no demo COE for service {s}");
    }
    let categories: BTreeSet<&str> = coes
        .iter()
        .map(|(_, _, c)| c.root_cause.category.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    assert!(categories.len() >= 5, "categories: {categories:?}");
    for category in &categories {
        assert!(
            config.categories.iter().any(|c| c == category),
            "{category}"
        );
    }
    let severities: BTreeSet<&str> = coes.iter().map(|(_, _, c)| c.severity.as_str()).collect();
    assert!(severities.len() >= 3, "severities: {severities:?}");
    let statuses: BTreeSet<Status> = coes.iter().map(|(_, _, c)| c.status).collect();
    assert_eq!(
        statuses.len(),
        3,
        "draft, review and closed COEs: {statuses:?}"
    );
}

#[test]
fn demo_dates_spread_over_ten_weeks_with_recent_incidents() {
    let coes = demo_coes();
    let today = today();
    let week_ago = today.checked_sub(jiff::Span::new().days(7)).unwrap();
    let ten_weeks_ago = today.checked_sub(jiff::Span::new().days(77)).unwrap();
    let mut last_week = 0;
    for (path, _, coe) in &coes {
        let started = coe.incident.started.date();
        assert!(
            started <= today && started >= ten_weeks_ago,
            "{}: started {started}",
            path.display()
        );
        if started > week_ago {
            last_week += 1;
        }
    }
    assert!(
        (2..=3).contains(&last_week),
        "{last_week} in the last 7 days"
    );
    let first = coes
        .iter()
        .map(|(_, _, c)| c.incident.started.date())
        .min()
        .unwrap();
    assert!(first < today.checked_sub(jiff::Span::new().days(60)).unwrap());
}

#[test]
fn demo_has_recurrences_including_one_after_all_actions_were_done() {
    let coes = demo_coes();
    let mut by_pair: BTreeMap<(&str, &str), Vec<&Coe>> = BTreeMap::new();
    for (_, _, coe) in &coes {
        for service in &coe.services {
            if !coe.root_cause.category.is_empty() {
                by_pair
                    .entry((coe.root_cause.category.as_str(), service.as_str()))
                    .or_default()
                    .push(coe);
            }
        }
    }
    let recurring: Vec<_> = by_pair.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(
        recurring.len() >= 2,
        "recurring pairs: {:?}",
        recurring.len()
    );

    // An incident that happened again after every corrective action of an earlier one was done.
    let again_after_done = recurring.iter().any(|(_, incidents)| {
        incidents.iter().any(|earlier| {
            let done: Option<Vec<Date>> = earlier
                .corrective_actions
                .iter()
                .map(|ca| {
                    (ca.status == ActionStatus::Done)
                        .then_some(ca.done)
                        .flatten()
                })
                .collect();
            let Some(last_done) = done.and_then(|d| d.into_iter().max()) else {
                return false;
            };
            incidents
                .iter()
                .any(|later| later.incident.started.date() > last_done)
        })
    });
    assert!(
        again_after_done,
        "no recurrence after all actions were done"
    );
}

#[test]
fn demo_has_drafts_overdue_actions_and_one_blame_phrase() {
    let coes = demo_coes();
    let config = config();
    let today = today();
    let due = jiff::Span::new().days(i64::from(config.due_days.default_days()));
    let incomplete: Vec<&Coe> = coes
        .iter()
        .map(|(_, _, c)| c)
        .filter(|c| !c.is_complete(&config))
        .collect();
    assert!(incomplete.len() >= 2, "{} incomplete", incomplete.len());
    assert!(incomplete.iter().all(|c| c.status == Status::Draft));
    assert!(
        incomplete
            .iter()
            .any(|c| c.incident.started.date().checked_add(due).unwrap() < today),
        "no draft past due_days"
    );
    assert!(
        incomplete
            .iter()
            .any(|c| c.incident.started.date().checked_add(due).unwrap() >= today),
        "no draft still within due_days"
    );

    let config = coe::model::policy::Config::default();
    let overdue = coes
        .iter()
        .flat_map(|(_, _, c)| {
            c.corrective_actions
                .iter()
                .filter(|ca| c.action_days_overdue(ca, &config, today).is_some())
        })
        .count();
    assert!(overdue >= 2, "{overdue} overdue actions");

    for (path, _, coe) in &coes {
        for ca in &coe.corrective_actions {
            assert_eq!(
                ca.status == ActionStatus::Done,
                ca.done.is_some(),
                "{}: {} has status {} and done {:?}",
                path.display(),
                ca.id,
                ca.status.as_str(),
                ca.done
            );
        }
        if coe.status != Status::Draft {
            assert!(coe.is_complete(&config), "{}", path.display());
            assert!(!coe.impact.remediation.is_empty(), "{}", path.display());
            assert!(coe.root_cause.whys.len() >= 3, "{}", path.display());
            assert!(
                coe.data
                    .iter()
                    .all(|d| d.link.as_deref().is_some_and(|l| l.contains("example.com"))),
                "{}",
                path.display()
            );
        }
    }

    let blamed: Vec<&str> = coes
        .iter()
        .filter(|(_, _, c)| {
            let text = typed_text(c);
            config
                .blame_terms
                .iter()
                .any(|t| text.contains(&t.to_lowercase()))
        })
        .map(|(_, _, c)| c.id.as_str())
        .collect();
    assert_eq!(blamed.len(), 1, "COEs with blame language: {blamed:?}");
    assert!(
        typed_text(&coes.iter().find(|(_, _, c)| c.id == blamed[0]).unwrap().2)
            .contains("human error")
    );
}

#[test]
fn coe_show_renders_every_demo_coe() {
    let root = demo_root();
    for (_, _, coe) in demo_coes() {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coe"));
        crate::common::hermetic(&mut cmd, &root);
        let out = cmd
            .arg("-C")
            .arg(&root)
            .args(["show", &coe.id])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "coe show {}: {}",
            coe.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.starts_with(&format!("# {}\n", coe.title)),
            "{}",
            &stdout[..stdout.len().min(200)]
        );
    }
}

#[test]
fn coe_check_on_the_demo_gives_the_expected_findings() {
    let root = demo_root();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coe"));
    crate::common::hermetic(&mut cmd, &root);
    let out = cmd.arg("-C").arg(&root).arg("check").output().unwrap();
    let text = format!(
        "exit: {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The draft past due fails the gate; the blame phrase, the overdue actions and the
    // fresh drafts are warnings and notes.
    assert_eq!(out.status.code(), Some(1), "{text}");
    insta::assert_snapshot!("demo_check", text);
}

/// The README's first command, run as written (the `cargo run` part is the binary cargo
/// built for this test), prints `examples/demo/report.md` byte for byte: a newcomer's first
/// look at coe is the committed demo report.
#[test]
fn the_readme_first_command_prints_the_demo_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let line = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|block| block.lines().next())
        .expect("README starts with a ```sh block");
    let command = line.split(" #").next().unwrap().trim();
    let words: Vec<&str> = command.split_whitespace().collect();
    let cargo = words
        .iter()
        .position(|w| *w == "cargo")
        .unwrap_or_else(|| panic!("not a cargo command: {command}"));
    assert_eq!(words.get(cargo + 1), Some(&"run"), "{command}");
    let separator = words
        .iter()
        .position(|w| *w == "--")
        .unwrap_or_else(|| panic!("no `--` before coe's arguments: {command}"));
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coe"));
    cmd.current_dir(root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(&words[separator + 1..]);
    for assignment in &words[..cargo] {
        let (name, value) = assignment
            .split_once('=')
            .unwrap_or_else(|| panic!("`{assignment}` is not NAME=VALUE"));
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{command}: {out:?}");
    let expected = std::fs::read_to_string(demo_root().join("report.md")).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == expected,
        "`{command}` does not print examples/demo/report.md; if the report changed on \
         purpose, run `COE_BLESS=1 cargo test --test cli demo_report_is_current`"
    );
}

/// The user documentation stands alone: no path in README.md or docs/ leaves the
/// repository (`../`).
#[test]
fn user_docs_do_not_point_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            assert!(
                !line.contains("../"),
                "{}:{}: {line}",
                file.display(),
                i + 1
            );
        }
    }
}
