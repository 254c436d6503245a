//! The layout of `src/`, as ARCHITECTURE.md describes it, checked on every test run: the
//! import graph has no circle, the model depends on nothing else in the crate, only the
//! vendor readers know vendors' field names, and no file grows past what a newcomer reads.
//!
//! Imports are read from the source text: every `crate::a::b` path, and `super::x` /
//! `self::x` paths resolved against the file's own module. Comments are left out, so a doc
//! link does not count as a dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `.rs` file of `src/`: its module path (`["report", "rollup"]`) and its code with
/// comments removed.
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    is_mod_file: bool,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn source_files() -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src_dir()).unwrap();
                let mut module: Vec<String> = relative
                    .with_extension("")
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                let last = module.last().cloned().unwrap_or_default();
                let is_mod_file = matches!(last.as_str(), "mod" | "lib" | "main");
                if is_mod_file {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                files.push(SourceFile {
                    path: relative.to_path_buf(),
                    module,
                    is_mod_file,
                    code: strip_comments(&text),
                });
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The text without `//` comments (doc comments included). String literals are kept, and
/// a `//` inside one (a URL) ends nothing.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\\' if in_string => {
                    escaped = !escaped;
                    continue;
                }
                b'"' if !escaped => in_string = !in_string,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                    cut = i;
                    break;
                }
                _ => {}
            }
            escaped = false;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// Every module path a file refers to, absolute (`["store", "format", "parse"]`).
fn references(file: &SourceFile) -> Vec<Vec<String>> {
    let path = regex::Regex::new(r"\b(crate|super|self)((?:::\w+)+)").unwrap();
    let group = regex::Regex::new(r"\b(crate|super|self)((?:::\w+)*)::\{([^;]*?)\}\s*;").unwrap();
    // The module `super` and `self` start from: a file's own module for `self`, its parent
    // for `super` (a `mod.rs` is its folder's module).
    let base = |kind: &str| -> Vec<String> {
        let mut m = file.module.clone();
        if kind == "super" {
            m.pop();
        }
        m
    };
    let absolute = |kind: &str, rest: &str| -> Vec<String> {
        let mut out = if kind == "crate" {
            Vec::new()
        } else {
            base(kind)
        };
        out.extend(
            rest.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        out
    };
    let mut found = Vec::new();
    for c in path.captures_iter(&file.code) {
        found.push(absolute(&c[1], &c[2]));
    }
    for c in group.captures_iter(&file.code) {
        let prefix = absolute(&c[1], &c[2]);
        for item in c[3].split(',') {
            let first = item
                .trim()
                .trim_start_matches('{')
                .split("::")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            if !first.is_empty() && first != "self" && first != "*" {
                let mut p = prefix.clone();
                p.push(first);
                found.push(p);
            }
        }
    }
    found
}

/// The modules that are files (or folders) of `src/`.
fn module_set(files: &[SourceFile]) -> BTreeSet<Vec<String>> {
    files.iter().map(|f| f.module.clone()).collect()
}

/// The longest prefix of `path` that is a file or folder module.
fn owning_module(path: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .unwrap_or_default()
}

/// A circle in `edges`, if there is one, as the nodes along it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(next, edges, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node) {
            if let Some(c) = visit(node, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// Edges between the top-level rooms of `src/` (`model`, `store`, ..., and the files
/// directly in `src/`), and, inside each folder, between its sibling files and subfolders.
/// A folder's `mod.rs` is the folder itself, so its edges to its own children (and theirs
/// to it) are not sibling edges.
fn graphs(files: &[SourceFile]) -> BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> {
    let modules = module_set(files);
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        for reference in references(file) {
            let target = owning_module(&reference, &modules);
            // The deepest folder holding both: the graph this edge belongs to.
            let common = file
                .module
                .iter()
                .zip(&target)
                .take_while(|(a, b)| a == b)
                .count();
            let (Some(from), Some(to)) = (file.module.get(common), target.get(common)) else {
                continue; // a module and its own ancestor or descendant
            };
            if from != to {
                graphs
                    .entry(file.module[..common].to_vec())
                    .or_default()
                    .entry(from.clone())
                    .or_default()
                    .insert(to.clone());
            }
        }
    }
    graphs
}

#[test]
fn no_import_circle_between_rooms_or_sibling_files() {
    let files = source_files();
    assert!(files.len() > 50, "read {} files", files.len());
    let graphs = graphs(&files);
    // The checker sees the layers it is meant to see.
    let top = &graphs[&Vec::<String>::new()];
    assert!(top["commands"].contains("store"), "{top:?}");
    assert!(top["store"].contains("model"), "{top:?}");
    let mut circles = Vec::new();
    for (folder, edges) in &graphs {
        if let Some(cycle) = find_cycle(edges) {
            circles.push(format!("src/{}: {}", folder.join("/"), cycle.join(" -> ")));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_layers_only_import_downwards() {
    // commands -> check/report/input -> vendors/store -> output -> model; `error` and
    // `exit_codes` are below everything but the model.
    let rank = |room: &str| -> Option<u8> {
        Some(match room {
            "model" => 0,
            "exit_codes" | "error" => 1,
            "output" => 2,
            "store" => 3,
            "vendors" => 4,
            "check" | "report" => 5,
            "input" => 6,
            "commands" => 7,
            "cli" => 8,
            "" | "lib" | "main" => 9,
            _ => return None,
        })
    };
    let files = source_files();
    let modules = module_set(&files);
    let mut upward = Vec::new();
    for file in &files {
        let from = file.module.first().map(String::as_str).unwrap_or("");
        let from_rank = rank(from).unwrap_or_else(|| panic!("a room no layer names: {from}"));
        for reference in references(file) {
            let target = owning_module(&reference, &modules);
            let to = target.first().map(String::as_str).unwrap_or("");
            if to == from {
                continue;
            }
            let to_rank = rank(to).unwrap_or_else(|| panic!("a room no layer names: {to}"));
            if to_rank > from_rank {
                upward.push(format!("src/{}: {from} uses {to}", file.path.display()));
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

#[test]
fn the_model_imports_nothing_else_of_the_crate() {
    let files = source_files();
    let modules = module_set(&files);
    let mut outside = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.module.first().is_some_and(|m| m == "model"))
    {
        for reference in references(file) {
            let target = owning_module(&reference, &modules);
            if target.first().map(String::as_str) != Some("model") {
                outside.push(format!(
                    "src/{}: {}",
                    file.path.display(),
                    reference.join("::")
                ));
            }
        }
    }
    assert!(outside.is_empty(), "{}", outside.join("\n"));
}

#[test]
fn only_the_vendor_readers_know_vendors_field_names() {
    let names =
        regex::Regex::new(r"log_entries|user_profile|incident_number|Issue key|closedAt").unwrap();
    let mut hits = Vec::new();
    for file in source_files() {
        if file.path.starts_with("vendors") {
            continue;
        }
        let text = std::fs::read_to_string(src_dir().join(&file.path)).unwrap();
        for (n, line) in text.lines().enumerate() {
            if names.is_match(line) {
                hits.push(format!("src/{}:{}: {line}", file.path.display(), n + 1));
            }
        }
    }
    assert!(hits.is_empty(), "{}", hits.join("\n"));
}

#[test]
fn files_stay_small_and_src_has_few_files_of_its_own() {
    let files = source_files();
    let mut big = Vec::new();
    for file in &files {
        let lines = std::fs::read_to_string(src_dir().join(&file.path))
            .unwrap()
            .lines()
            .count();
        let limit = if file.path.starts_with("commands") && !file.is_mod_file {
            260
        } else {
            900
        };
        if lines > limit {
            big.push(format!(
                "src/{}: {lines} lines (at most {limit})",
                file.path.display()
            ));
        }
    }
    assert!(big.is_empty(), "{}", big.join("\n"));
    let top: Vec<_> = files
        .iter()
        .filter(|f| f.path.components().count() == 1)
        .collect();
    assert!(top.len() <= 8, "{} .rs files directly in src/", top.len());
}
