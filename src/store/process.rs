//! Who holds a lock or left a temporary file: this process's id and host, and whether a
//! process on this host is still running, so what a killed coe left behind is cleaned up
//! at once instead of waited on.

/// This machine's host name, or `unknown-host` when it cannot be read.
pub fn hostname() -> String {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    read("/proc/sys/kernel/hostname")
        .or_else(|| read("/etc/hostname"))
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// What a lock file holds: `pid host`.
pub fn holder_line() -> String {
    format!("{} {}\n", std::process::id(), hostname())
}

/// The pid and host a lock file names, when it names them.
pub fn parse_holder(text: &str) -> Option<(u32, String)> {
    let mut words = text.split_whitespace();
    let pid = words.next()?.parse().ok()?;
    let host = words.next()?.to_string();
    Some((pid, host))
}

/// Whether the process `pid` of this host is running: `Some(false)` only when it is known
/// to be gone, `None` where coe cannot tell (no `/proc`).
pub fn alive(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    let proc = std::path::Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// Whether a lock held by `pid` on `host` was left by a process that is gone.
pub fn holder_is_gone(pid: u32, host: &str) -> bool {
    host == hostname() && alive(pid) == Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_its_line_parses_back() {
        let (pid, host) = parse_holder(&holder_line()).unwrap();
        assert_eq!(pid, std::process::id());
        assert!(!holder_is_gone(pid, &host));
        assert_eq!(parse_holder("garbage"), None);
        assert_eq!(parse_holder(""), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_finished_process_is_gone() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert_eq!(alive(pid), Some(false));
        assert!(holder_is_gone(pid, &hostname()));
        assert!(!holder_is_gone(pid, "some-other-host"));
    }
}
