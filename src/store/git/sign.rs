//! Signed commits, as `git commit` makes them when `commit.gpgsign` is set: the commit's
//! text goes to the program `gpg.format` names, with git's arguments, and libgit2 stores
//! the signature in it. No signature is an error, never an unsigned commit.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use anyhow::{Context, Result};
use git2::{Repository, Signature};

use crate::error::UserError;

/// How to sign a commit, from git configuration: `gpg --status-fd=2 -bsau KEY` (or
/// gpgsm), the text on stdin and the signature on stdout; or `ssh-keygen -Y sign -n git -f
/// KEY FILE`, the signature in `FILE.sig`, where a key given in the configuration itself
/// (`key::ssh-ed25519 ...`) is a public key whose private half is in ssh-agent (`-U`).
pub(super) struct Signer {
    ssh: bool,
    program: String,
    key: String,
}

/// The signer git configuration asks for, or None when `commit.gpgsign` is not set.
pub(super) fn signer(repo: &Repository, committer: &Signature) -> Result<Option<Signer>> {
    let config = repo.config()?;
    if !config.get_bool("commit.gpgsign").unwrap_or(false) {
        return Ok(None);
    }
    let get = |key: &str| config.get_string(key).ok().filter(|v| !v.is_empty());
    let format = get("gpg.format").unwrap_or_else(|| "openpgp".into());
    let (program, default) = match format.as_str() {
        "openpgp" => (get("gpg.openpgp.program").or(get("gpg.program")), "gpg"),
        "x509" => (get("gpg.x509.program"), "gpgsm"),
        "ssh" => (get("gpg.ssh.program"), "ssh-keygen"),
        other => {
            return Err(UserError::new(format!(
                "commit.gpgsign is set, but gpg.format = {other} is not a format git knows (openpgp, x509, ssh)"
            ))
            .into())
        }
    };
    let ssh = format == "ssh";
    let key = match get("user.signingkey") {
        // As git: a key's path may start with `~/`.
        Some(key) if ssh && !key.starts_with("key::") && !key.starts_with("ssh-") => {
            config.get_path("user.signingkey")?.to_string_lossy().into_owned()
        }
        Some(key) => key,
        None if ssh => return Err(UserError::new(
            "commit.gpgsign is set with gpg.format = ssh, but user.signingkey is not, so coe cannot sign the commit",
        )
        .hint("set user.signingkey to your ssh key's path (coe does not run gpg.ssh.defaultKeyCommand), or pass --no-commit")
        .into()),
        None => {
            let name = committer.name().unwrap_or_default();
            format!("{name} <{}>", committer.email().unwrap_or_default())
        }
    };
    let program = program.unwrap_or_else(|| default.into());
    Ok(Some(Signer { ssh, program, key }))
}

impl Signer {
    /// Signs a commit's text, returning the armored signature.
    pub(super) fn sign(&self, content: &str) -> Result<String> {
        let Signer { ssh, program, key } = self;
        if !ssh {
            let mut gpg = Command::new(program);
            gpg.args(["--status-fd=2", "-bsau", key]);
            let shown = format!("{program} --status-fd=2 -bsau {key}");
            let out = run(&mut gpg, content, &shown)?;
            // As git: a signature counts only when gpg says it made one.
            if !String::from_utf8_lossy(&out.stderr).contains("[GNUPG:] SIG_CREATED ") {
                return Err(failed(&shown, "made no signature"));
            }
            return String::from_utf8(out.stdout).context("the signature is not text");
        }
        let scratch = tempfile::tempdir().context("creating a directory to sign in")?;
        let literal = key.strip_prefix("key::");
        let literal = literal.or(key.starts_with("ssh-").then_some(key));
        let key_file = match literal {
            Some(public) => {
                let path = scratch.path().join("key.pub");
                std::fs::write(&path, public).context("writing the public key")?;
                path
            }
            None => PathBuf::from(key),
        };
        let text = scratch.path().join("commit");
        std::fs::write(&text, content).context("writing the commit to sign")?;
        let mut ssh = Command::new(program);
        ssh.args(["-Y", "sign", "-n", "git", "-f"]).arg(&key_file);
        if literal.is_some() {
            ssh.arg("-U");
        }
        let shown = format!("{program} -Y sign -n git -f {}", key_file.display());
        run(ssh.arg(&text), "", &shown)?;
        std::fs::read_to_string(text.with_extension("sig"))
            .map_err(|e| failed(&shown, &format!("wrote no signature: {e}")))
    }
}

/// Runs a signing program with `input` on its stdin; an error unless it exits 0.
fn run(command: &mut Command, input: &str, shown: &str) -> Result<Output> {
    let (stdin, stdout, stderr) = (Stdio::piped(), Stdio::piped(), Stdio::piped());
    let child = command.stdin(stdin).stdout(stdout).stderr(stderr).spawn();
    let mut child = child.map_err(|e| failed(shown, &format!("could not start: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A signer that exits early closes the pipe; its exit status says why.
        let _ = std::io::Write::write_all(&mut stdin, input.as_bytes());
    }
    let out = child
        .wait_with_output()
        .context("waiting for the signing program")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let said = stderr
        .lines()
        .filter(|l| !l.starts_with("[GNUPG:]") && !l.trim().is_empty());
    let said = said.collect::<Vec<_>>().join(" ");
    match out.status.code() {
        Some(0) => Ok(out),
        Some(code) => Err(failed(shown, &format!("exited with status {code}: {said}"))),
        None => Err(failed(shown, &format!("was killed: {said}"))),
    }
}

fn failed(command: &str, what: &str) -> anyhow::Error {
    UserError::new(format!(
        "signing the commit failed (commit.gpgsign is set): `{command}` {what}"
    ))
    .hint("check gpg.format and user.signingkey in your git configuration, or pass --no-commit")
    .into()
}
