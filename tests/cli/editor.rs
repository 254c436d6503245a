//! `coe new --editor` and `coe edit --editor` with a scripted `$EDITOR`: a shell script
//! that records what it was shown and edits the file as a person would.

use std::path::{Path, PathBuf};

use crate::common::{complete_coe, TestEnv};

/// A scripted editor: on its Nth run it saves a copy of what it was shown as
/// `shown-N.yaml`, runs step N of `steps` (shell commands on "$1"), and saves what it
/// left as `wrote-N.yaml`.
struct Script {
    dir: tempfile::TempDir,
}

impl Script {
    fn new(steps: &[&str]) -> Script {
        let dir = tempfile::tempdir().unwrap();
        let mut cases = String::new();
        for (i, step) in steps.iter().enumerate() {
            cases.push_str(&format!("  {}) {step} ;;\n", i + 1));
        }
        let script = format!(
            "#!/bin/sh\nset -e\nstate={state}\nn=$(cat \"$state/count\" 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > \"$state/count\"\ncp \"$1\" \"$state/shown-$n.yaml\"\ncase $n in\n{cases}esac\ncp \"$1\" \"$state/wrote-$n.yaml\"\n",
            state = dir.path().display()
        );
        let path = dir.path().join("editor.sh");
        std::fs::write(&path, script).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Script { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("editor.sh")
    }

    fn runs(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("count"))
            .map(|c| c.trim().parse().unwrap())
            .unwrap_or(0)
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
    }
}

fn run_with(env: &TestEnv, editor: &Path, args: &[&str]) -> std::process::Output {
    env.coe(args).env("EDITOR", editor).output().unwrap()
}

#[test]
fn a_mistake_reopens_the_editor_with_the_error_on_top_and_the_text_kept() {
    let env = TestEnv::new();
    let script = Script::new(&[
        // A person fills in a few answers, with a comment of their own, and mistypes the
        // severity.
        r#"sed -i -e 's/^severity: .*/severity: SEV9  # paged at night/' -e 's/^leader: .*/leader: Jane Doe/' "$1""#,
        // Shown the error, they fix it.
        r#"sed -i 's/SEV9/SEV1/' "$1""#,
    ]);
    let out = run_with(
        &env,
        &script.path(),
        &[
            "new",
            "--editor",
            "--title",
            "Database deleted by a maintenance script",
            "--started",
            "2026-11-24T23:27:00Z",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    assert_eq!(script.runs(), 2);

    // The second opening: the error at the top, then the person's text exactly as saved.
    let shown = script.file("shown-2.yaml");
    let wrote = script.file("wrote-1.yaml");
    assert!(shown.starts_with("#~ coe found 1 problem:\n"), "{shown}");
    assert!(shown.ends_with(&wrote), "the text is kept:\n{shown}");
    let severity_line = shown
        .lines()
        .position(|l| l.starts_with("severity: SEV9"))
        .unwrap()
        + 1;
    assert!(
        shown.contains(&format!("#~   line {severity_line}: severity: ")),
        "the error names the line of the buffer:\n{shown}"
    );
    // The help of each question is in the buffer.
    assert!(
        shown.contains("# 3. What was the root cause?\n#~ Ask \"why?\" repeatedly"),
        "{shown}"
    );

    let id = "2026-11-24-database-deleted-by-a-maintenance-script";
    let file = env.read(&format!("coes/{id}.yaml"));
    assert!(file.contains(&format!("id: {id}\n")), "{file}");
    assert!(
        file.contains("severity: SEV1  # paged at night\n"),
        "{file}"
    );
    assert!(file.contains("leader: Jane Doe\n"), "{file}");
    assert!(!file.contains("#~"), "coe's help is gone:\n{file}");
    assert_eq!(
        env.git(&["log", "-1", "--format=%s"]),
        format!("coe: new COE {id} (draft)\n")
    );
    env.coe(&["check", &format!("coes/{id}.yaml")])
        .assert()
        .success();
}

#[test]
fn an_unchanged_or_emptied_file_aborts_and_the_draft_stays() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    let original = complete_coe(id, "2026-11-22T09:58:00Z");
    env.write(&format!("coes/{id}.yaml"), &original);
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "add"]);
    for step in ["true", r#": > "$1""#] {
        let script = Script::new(&[step]);
        let out = run_with(&env, &script.path(), &["edit", id, "--editor"]);
        let text = env.transcript(&out);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("was not changed"), "{text}");
        assert_eq!(env.read(&format!("coes/{id}.yaml")), original);
        assert_eq!(env.git(&["rev-list", "--count", "HEAD"]), "2\n");
    }
    // A new COE left unchanged writes nothing.
    let script = Script::new(&["true"]);
    let out = run_with(&env, &script.path(), &["new", "--editor", "--title", "X"]);
    assert!(env.transcript(&out).contains("Nothing was written"));
    assert_eq!(std::fs::read_dir(env.root.join("coes")).unwrap().count(), 2);
}

#[test]
fn edit_in_the_editor_keeps_the_persons_comments() {
    let env = TestEnv::new();
    let id = "2026-11-22-checkout-latency";
    let original = complete_coe(id, "2026-11-22T09:58:00Z").replace(
        "root_cause:\n",
        "root_cause:\n  # Reviewer: is this the real root cause?\n",
    );
    env.write(&format!("coes/{id}.yaml"), &original);
    env.git(&["add", "."]);
    env.git(&["commit", "-qm", "add"]);
    let script = Script::new(&[
        r#"sed -i 's/Config pushes are not staged./Config pushes skip canaries./' "$1""#,
    ]);
    let out = run_with(
        &env,
        &script.path(),
        &["edit", "2026-11-22-check", "--editor"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", env.transcript(&out));
    let diff = env.git(&["diff", "HEAD~1", "--stat"]);
    assert!(
        diff.contains("1 file changed, 1 insertion(+), 1 deletion(-)"),
        "{diff}"
    );
    let file = env.read(&format!("coes/{id}.yaml"));
    assert!(
        file.contains("# Reviewer: is this the real root cause?"),
        "{file}"
    );
    assert!(file.contains("- Config pushes skip canaries."), "{file}");
}

/// After an editor session that ends without a valid COE, the person's text is kept in a
/// private directory, in a file of their own (0600): a symlink another user planted at
/// the old fixed path (`$TMPDIR/coe-edit-new.yaml`) is not followed, and its target is
/// untouched.
#[test]
fn the_kept_text_is_private_and_a_planted_symlink_is_not_followed() {
    let env = TestEnv::new();
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "someone else's file\n").unwrap();
    let planted = tmp.path().join("coe-edit-new.yaml");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let script = Script::new(&[
        // A mistake, then the person gives up: the second save is unchanged.
        r#"sed -i 's/^severity: .*/severity: SEV9/' "$1""#,
        "true",
    ]);
    let out = env
        .coe(&["new", "--editor", "--title", "Kept text"])
        .env("EDITOR", script.path())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "someone else's file\n"
    );
    let kept = text
        .lines()
        .find_map(|l| l.split("Your last text is kept in ").nth(1))
        .map(|rest| PathBuf::from(rest.trim_end_matches('.')))
        .unwrap_or_else(|| panic!("no kept path said:\n{text}"));
    assert_ne!(kept, planted, "{text}");
    assert!(kept.starts_with(tmp.path()), "{}", kept.display());
    assert!(std::fs::read_to_string(&kept)
        .unwrap()
        .contains("severity: SEV9"));
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&kept), 0o600);
    assert_eq!(mode(kept.parent().unwrap()), 0o700);
}
