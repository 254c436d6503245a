use crate::common::TestEnv;

#[test]
fn init_outside_a_repository_runs_git_init_and_commits() {
    let env = TestEnv::empty();
    let out = env
        .coe(&["init"])
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", env.transcript(&out));
    assert!(env.root.join(".git").is_dir());
    assert_eq!(
        env.git(&["show", "--name-only", "--format=%an %s", "HEAD"]),
        "A coe: initialise COE repository\n\n.coe.yaml\n.coe/coe.schema.json\ncoes/.gitkeep\n"
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "");
}

#[test]
fn init_in_existing_repo_commits_only_its_files() {
    let env = TestEnv::empty();
    env.git(&["init", "-q", "-b", "main"]);
    env.git(&["config", "user.name", "Test Author"]);
    env.git(&["config", "user.email", "author@example.com"]);
    env.write("notes.txt", "staged work");
    env.git(&["add", "notes.txt"]);
    env.coe(&["init"]).assert().success();
    assert!(env.root.join(".coe.yaml").is_file());
    assert!(env.root.join("coes/.gitkeep").is_file());
    let files = env.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, ".coe.yaml\n.coe/coe.schema.json\ncoes/.gitkeep\n");
    assert_eq!(env.git(&["status", "--porcelain"]), "A  notes.txt\n");
    // Again: nothing to do.
    env.coe(&["init"]).assert().success();
    assert_eq!(env.git(&["rev-list", "--count", "HEAD"]), "1\n");
}

#[test]
fn init_without_identity_is_a_clear_error() {
    let env = TestEnv::empty();
    let out = env.coe(&["init"]).output().unwrap();
    let text = env.transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("git does not know who you are"), "{text}");
    assert!(
        !text.contains("panicked") && !text.contains("Backtrace"),
        "{text}"
    );
    assert!(
        !env.root.join(".coe.yaml").exists(),
        "nothing written before the identity check"
    );
}
