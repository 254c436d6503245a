//! Loads every COE of a repository the way `coe check`, `list`, `report` and `actions` do
//! (`store::load_all`: list, read and parse in parallel) and does nothing else: the floor
//! those commands build on, for `scripts/bench.sh`.
//!
//! ```sh
//! cargo run --release --example load -- /tmp/coe-10k
//! cargo run --release --example load -- /tmp/coe-100k/team-*   # one after the other
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        dirs.push(PathBuf::from("."));
    }
    let started = Instant::now();
    let mut loaded = Vec::new();
    for dir in &dirs {
        let result = coe::store::Repo::discover(dir).and_then(|repo| coe::store::load_all(&repo));
        match result {
            Ok(more) => loaded.extend(more),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
        }
    }
    let elapsed = started.elapsed();
    let failed: Vec<_> = loaded.iter().filter(|l| l.result.is_err()).collect();
    eprintln!(
        "Loaded {} in {:.1} ms; {} could not be parsed.",
        coe::model::plural(loaded.len(), "COE", "COEs"),
        elapsed.as_secs_f64() * 1000.0,
        failed.len()
    );
    for l in failed.iter().take(5) {
        if let Err(e) = &l.result {
            eprintln!("  {}", coe::store::describe(&l.path, e));
        }
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
