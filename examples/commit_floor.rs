//! The least a commit of one new COE must cost on top of a commit into an empty
//! repository, at the size of a given repository, for `scripts/bench.sh`.
//!
//! Git's format makes a commit into a directory of N files rewrite that directory's tree
//! object and the whole index, each named or checked by a SHA-1 of its full content. This
//! measures those bytes' unavoidable work with nothing else around it, each step in its
//! cheapest form:
//!
//! - read: files of the old tree's and index's sizes, through a 64 KB buffer (no new
//!   memory to fault in);
//! - hash: SHA-1 of a tree and an index of those sizes, with the CPU's SHA instructions;
//! - write: a new file of each size in the git directory;
//! - replace: renaming the new index over the old one, which frees the old one's blocks.
//!
//! It prints one line, `floor_ms read hash write replace` (milliseconds, medians), and
//! changes nothing in the repository: its files go in a temporary directory inside the git
//! directory (the same file system) that is removed afterwards.
//!
//! ```sh
//! cargo run --release --example commit_floor -- /tmp/coe-10k
//! ```

use std::fs::File;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sha1::{Digest as _, Sha1};

const RUNS: usize = 31;
const BUFFER: usize = 1 << 16;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    match run(&dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path) -> anyhow::Result<()> {
    let repo = coe::config::Repo::discover(dir)?;
    let git = git2::Repository::discover(dir)?;
    let workdir = git
        .workdir()
        .ok_or_else(|| anyhow::anyhow!("no work tree"))?
        .canonicalize()?;
    let coe_dir = repo.coe_dir.strip_prefix(&workdir)?;
    let tree = git.head()?.peel_to_tree()?.get_path(coe_dir)?.id();
    let tree_len = git.odb()?.read_header(tree)?.0;
    let index = git.path().join("index");
    let index_len = usize::try_from(std::fs::metadata(&index)?.len())?;
    let scratch = tempfile::tempdir_in(git.path())?;

    let tree_bytes = vec![b'x'; tree_len];
    let index_bytes = vec![b'y'; index_len];
    // The old tree as coe leaves it (uncompressed), to be read back.
    let old_tree = scratch.path().join("old-tree");
    std::fs::write(&old_tree, &tree_bytes)?;
    let old_index = scratch.path().join("old-index");
    let mut steps = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for run in 0..RUNS {
        // The file a commit replaces, as git leaves it: written some time before.
        std::fs::copy(&index, &old_index)?;
        let tree_file = scratch.path().join(format!("tree-{run}"));
        let new_index = scratch.path().join(format!("index-{run}"));

        let started = Instant::now();
        let read = stream(&old_index)? + stream(&old_tree)?;
        let read_time = started.elapsed();
        anyhow::ensure!(read > 0, "nothing read");

        let started = Instant::now();
        let mut sha = Sha1::new();
        sha.update(format!("tree {tree_len}\0"));
        sha.update(&tree_bytes);
        let mut index_sha = Sha1::new();
        index_sha.update(&index_bytes);
        std::hint::black_box((sha.finalize(), index_sha.finalize()));
        let hash_time = started.elapsed();

        let started = Instant::now();
        File::create(&tree_file)?.write_all(&tree_bytes)?;
        File::create(&new_index)?.write_all(&index_bytes)?;
        let write_time = started.elapsed();

        let started = Instant::now();
        std::fs::rename(&new_index, &old_index)?;
        let replace_time = started.elapsed();

        for (step, time) in steps
            .iter_mut()
            .zip([read_time, hash_time, write_time, replace_time])
        {
            step.push(time);
        }
    }
    let medians: Vec<f64> = steps.iter_mut().map(|s| median(s)).collect();
    println!(
        "{:.2} {:.2} {:.2} {:.2} {:.2}",
        medians.iter().sum::<f64>(),
        medians[0],
        medians[1],
        medians[2],
        medians[3]
    );
    Ok(())
}

/// Reads `path` through a small buffer and returns how many bytes it holds.
fn stream(path: &Path) -> std::io::Result<usize> {
    let mut reader = BufReader::with_capacity(BUFFER, File::open(path)?);
    let mut total = 0;
    loop {
        let len = reader.fill_buf()?.len();
        if len == 0 {
            return Ok(total);
        }
        total += len;
        reader.consume(len);
    }
}

/// The median, in milliseconds.
fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}
