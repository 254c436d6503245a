//! Every write finishes or is named: an interrupted change finished by the next run, bytes
//! kept, locks and temporary files of dead runs cleaned up.

use crate::common::{complete_coe, TestEnv};

const ID: &str = "2026-11-20-checkout-latency";

fn committed(text: &str) -> (TestEnv, String) {
    let env = TestEnv::new();
    let path = format!("coes/{ID}.yaml");
    env.write(&path, text);
    env.git(&["add", "."]);
    env.git(&["commit", "-q", "-m", "COE written by hand"]);
    (env, path)
}

#[test]
fn an_interrupted_close_is_committed_by_the_next_close() {
    let (env, path) = committed(&complete_coe(ID, "2026-11-20T09:58:00Z"));
    // What a close killed after writing and before committing leaves.
    let text = env
        .read(&path)
        .replacen("status: review", "status: closed", 1);
    env.write(&path, text);
    let out = env.run_ok(&["close", ID]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was not committed"), "{stderr}");
    assert!(!stderr.contains("already closed"), "{stderr}");
    let message = env.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with(&format!("coe: close {ID}")),
        "{message}"
    );
    assert_eq!(env.git(&["status", "--porcelain"]), "");
    // Run again: now it is really done, and nothing is committed.
    let out = env.run_ok(&["close", ID]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already closed"));
}

#[test]
fn done_keeps_a_bom_and_crlf_and_changes_only_its_lines() {
    let lf = complete_coe(ID, "2026-11-20T09:58:00Z");
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    let (env, path) = committed(&crlf);
    env.run_ok(&["actions", "done", ID, "CA-1", "--date", "2026-11-24"]);
    let bytes = std::fs::read(env.root.join(&path)).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    let stat = env.git(&["show", "--numstat", "--format=", "HEAD"]);
    let added: usize = stat.split_whitespace().next().unwrap().parse().unwrap();
    assert!(added <= 2, "{stat}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_dead_runs_lock_and_temp_files_are_taken_over_at_once() {
    let (env, path) = committed(&complete_coe(ID, "2026-11-20T09:58:00Z"));
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    env.write(".git/coe.lock", format!("{dead} {}\n", host.trim()));
    let tmp = format!("coes/.coe-{dead}-abcdef.tmp");
    env.write(&tmp, "half a file");
    let out = env.run_ok(&["close", ID]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("which is gone; taking it over"), "{stderr}");
    assert!(!env.root.join(".git/coe.lock").exists());
    assert!(!env.root.join(&tmp).exists());
    assert!(env.read(&path).contains("status: closed"));
}
