//! The parse cache: used when it can be trusted, ignored and rebuilt when it cannot, never
//! a reason for different output.

use std::path::PathBuf;

use sha1::{Digest as _, Sha1};

use crate::common::{complete_coe, stdout, TestEnv};

/// The pack header (src/cache.rs): magic 8, version 4, build 20, body length 8, SHA-1 20.
const HEADER_LEN: usize = 60;

/// A repository with `n` COEs committed, and a bare mirror of it.
fn repository(n: usize) -> (TestEnv, tempfile::TempDir, String) {
    let env = TestEnv::new();
    for i in 0..n {
        let id = format!("2026-11-{:02}-incident-{i}", 1 + i % 20);
        let started = format!("{}T09:58:00Z", &id[..10]);
        env.write(&format!("coes/{id}.yaml"), complete_coe(&id, &started));
    }
    env.git(&["add", "-A"]);
    env.git(&["commit", "-q", "-m", "COEs"]);
    let mirrors = tempfile::tempdir().unwrap();
    let mirror = mirrors.path().join("team.git").display().to_string();
    env.git(&["clone", "-q", "--bare", ".", &mirror]);
    (env, mirrors, mirror)
}

fn packs(env: &TestEnv) -> Vec<PathBuf> {
    let mut packs: Vec<PathBuf> = std::fs::read_dir(env.cache_dir())
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    packs.retain(|p| p.extension().is_some_and(|e| e == "pack"));
    packs.sort();
    packs
}

/// stdout, stderr and status, for comparing runs.
fn run(env: &TestEnv, args: &[&str]) -> String {
    env.transcript(&env.coe(args).output().unwrap())
}

/// The commands and their arguments the cache serves: from the work tree and from HEAD of a
/// mirror.
fn commands(mirror: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for repo in [None, Some(mirror)] {
        for command in [
            &["list", "--format", "json"][..],
            &["actions", "--format", "json"],
            &["report", "--format", "json", "--since", "2026-01-01"],
            &["report", "--since", "2026-01-01"],
        ] {
            let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
            if let Some(repo) = repo {
                args.extend(["--repo".to_string(), repo.to_string()]);
            }
            out.push(args);
        }
    }
    out
}

fn as_strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Recomputes a pack's length and checksum after its body was edited, as a valid writer
/// would have written it.
fn reseal(pack: &mut [u8]) {
    let body_len = (pack.len() - HEADER_LEN) as u64;
    let checksum = Sha1::digest(&pack[HEADER_LEN..]);
    pack[32..40].copy_from_slice(&body_len.to_le_bytes());
    pack[40..60].copy_from_slice(&checksum);
}

/// Replaces `from` by `to` (the same length) in every COE of a pack.
fn tamper(pack: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let mut at = HEADER_LEN;
    let mut replaced = 0;
    while let Some(i) = pack[at..]
        .windows(from.len())
        .position(|w| w == from.as_bytes())
    {
        pack[at + i..at + i + to.len()].copy_from_slice(to.as_bytes());
        at += i + to.len();
        replaced += 1;
    }
    assert!(replaced > 0, "`{from}` is not in the pack");
}

const TITLE: &str = "Checkout latency spike after config push";
const TAMPERED: &str = "Tampered latency spike after config push";

#[test]
fn a_warm_run_reads_the_cache_and_prints_what_a_cold_one_does() {
    let (env, _mirrors, mirror) = repository(12);
    for args in commands(&mirror) {
        let args = as_strs(&args);
        let uncached = run(&env, &[&args[..], &["--no-cache"]].concat());
        assert_eq!(run(&env, &args), uncached, "cold: {args:?}");
        assert_eq!(run(&env, &args), uncached, "warm: {args:?}");
    }
    // One pack for the work tree, one for the mirror's HEAD.
    assert_eq!(packs(&env).len(), 2);

    // The warm run really takes its COEs from the cache: a pack edited and sealed as a
    // valid one would be shows through (the cache trusts only packs that pass its checks,
    // and this one does).
    for pack in packs(&env) {
        let mut bytes = std::fs::read(&pack).unwrap();
        tamper(&mut bytes, TITLE, TAMPERED);
        reseal(&mut bytes);
        std::fs::write(&pack, bytes).unwrap();
    }
    assert!(stdout(&env.run_ok(&["list"])).contains(TAMPERED));
    assert!(stdout(&env.run_ok(&["list", "--repo", &mirror])).contains(TAMPERED));
    assert!(!stdout(&env.run_ok(&["list", "--no-cache"])).contains(TAMPERED));
}

#[test]
fn a_corrupt_truncated_or_other_version_cache_gives_the_output_of_no_cache() {
    let (env, _mirrors, mirror) = repository(12);
    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 6] = [
        ("truncated", |p| p.truncate(p.len() / 2)),
        ("header only", |p| p.truncate(HEADER_LEN)),
        ("empty", |p| p.clear()),
        ("random bytes", |p| {
            let mut x: u32 = 2_463_534_242;
            for b in p.iter_mut() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *b = x as u8;
            }
        }),
        ("a changed byte", |p| {
            tamper(p, TITLE, TAMPERED);
        }),
        // Another version's pack, even a well-formed one, is not read: its entries say
        // something else than this build would.
        ("another version", |p| {
            tamper(p, TITLE, TAMPERED);
            p[8..12].copy_from_slice(&999u32.to_le_bytes());
            reseal(p);
        }),
    ];
    for args in commands(&mirror) {
        let args = as_strs(&args);
        let uncached = run(&env, &[&args[..], &["--no-cache"]].concat());
        for (what, damage) in &damages {
            let _ = std::fs::remove_dir_all(env.cache_dir());
            run(&env, &args);
            let packs = packs(&env);
            assert!(!packs.is_empty());
            for pack in &packs {
                let mut bytes = std::fs::read(pack).unwrap();
                damage(&mut bytes);
                std::fs::write(pack, bytes).unwrap();
            }
            assert_eq!(run(&env, &args), uncached, "{what}: {args:?}");
            // ...and rebuilt: the next run reads a good pack again.
            assert_eq!(run(&env, &args), uncached, "{what}, rebuilt: {args:?}");
        }
    }
}

#[test]
fn an_entry_whose_content_changed_is_not_used() {
    let (env, _mirrors, mirror) = repository(3);
    let file = "coes/2026-11-02-incident-1.yaml";
    assert!(stdout(&env.run_ok(&["list"])).contains(TITLE));

    // The work tree: the same size, the old modification time put back; only the content
    // (and the inode's change time, which nothing can set back) differs.
    let path = env.root.join(file);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    env.write(file, env.read(file).replace(TITLE, TAMPERED));
    std::fs::File::options()
        .append(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let listed = stdout(&env.run_ok(&["list"]));
    assert_eq!(listed.matches(TAMPERED).count(), 1, "{listed}");
    assert_eq!(listed, stdout(&env.run_ok(&["list", "--no-cache"])));

    // A repository: a new commit on HEAD.
    assert!(!stdout(&env.run_ok(&["list", "--repo", &mirror])).contains(TAMPERED));
    env.git(&["commit", "-q", "-am", "Retitle"]);
    env.git(&["push", "-q", &mirror, "HEAD:main"]);
    let listed = stdout(&env.run_ok(&["list", "--repo", &mirror]));
    assert_eq!(listed.matches(TAMPERED).count(), 1, "{listed}");
}

#[test]
fn concurrent_runs_sharing_a_cache_print_the_same() {
    let (env, _mirrors, mirror) = repository(40);
    for args in commands(&mirror) {
        let args = as_strs(&args);
        let uncached = run(&env, &[&args[..], &["--no-cache"]].concat());
        // Cold (every run writes the pack), then warm.
        for round in ["cold", "warm"] {
            if round == "cold" {
                let _ = std::fs::remove_dir_all(env.cache_dir());
            }
            let children: Vec<_> = (0..4)
                .map(|_| {
                    env.std_coe(&args)
                        .stdout(std::process::Stdio::piped())
                        .stderr(std::process::Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            for child in children {
                let out = child.wait_with_output().unwrap();
                assert_eq!(env.transcript(&out), uncached, "{round}: {args:?}");
            }
            assert_eq!(run(&env, &args), uncached, "{round}, after: {args:?}");
        }
    }
}
