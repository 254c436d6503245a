//! Times the parse cache's encoding of COEs against parsing their YAML, for the choice of
//! serialization recorded in Cargo.toml and BENCHMARKS.md: loads a repository's COEs, then
//! decodes them all from YAML and from the cache's JSON, single-threaded, and prints the
//! medians of 5 rounds and the sizes.
//!
//! ```sh
//! cargo run --release --example codec -- /tmp/coe-10k
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let repo = match coe::store::Repo::discover(&dir) {
        Ok(repo) => repo,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let files = coe::store::list_files(&repo).unwrap_or_default();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| coe::store::read_text(f).ok())
        .collect();
    let coes: Vec<coe::model::coe::Coe> = texts
        .iter()
        .filter_map(|t| coe::store::format::parse(t).ok())
        .collect();
    let encoded: Vec<Vec<u8>> = coes
        .iter()
        .filter_map(coe::store::cache::encode_coe)
        .collect();
    let time = |f: &dyn Fn() -> usize| -> f64 {
        median(
            (0..5)
                .map(|_| {
                    let started = Instant::now();
                    std::hint::black_box(f());
                    started.elapsed().as_secs_f64() * 1000.0
                })
                .collect(),
        )
    };
    let yaml = time(&|| {
        texts
            .iter()
            .filter(|t| coe::store::format::parse(t).is_ok())
            .count()
    });
    let json = time(&|| {
        encoded
            .iter()
            .filter(|b| coe::store::cache::decode_coe(b).is_some())
            .count()
    });
    let encode = time(&|| {
        coes.iter()
            .filter_map(coe::store::cache::encode_coe)
            .count()
    });
    let yaml_bytes: usize = texts.iter().map(String::len).sum();
    let json_bytes: usize = encoded.iter().map(Vec::len).sum();
    println!(
        "{} COEs: YAML parse {yaml:.1} ms ({:.1} MB); cache decode {json:.1} ms ({:.1} MB), encode {encode:.1} ms (one thread, median of 5)",
        coes.len(),
        yaml_bytes as f64 / 1e6,
        json_bytes as f64 / 1e6
    );
    ExitCode::SUCCESS
}
