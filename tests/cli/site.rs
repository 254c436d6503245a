//! `coe site`: the pages it writes, and the list's search and filters run in a real headless
//! Chromium (skipped, saying why, where no Chromium is installed; `.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::TestEnv;
use crate::report::{fixture_specs, write_coes, Spec};

const HOSTILE_TITLE: &str = "<img src=x onerror=\"document.title='pwned'\"> & </script>";

/// The report fixture, one COE with a hostile title, and a lesson with a rare word.
fn site_env() -> TestEnv {
    let env = TestEnv::new();
    let mut specs = fixture_specs();
    specs.push(Spec {
        id: "2026-11-23-hostile-title",
        title: HOSTILE_TITLE,
        severity: "SEV3",
        status: "draft",
        services: &["search"],
        started: "2026-11-23T08:00:00Z",
        detected: None,
        mitigated: None,
        customers: None,
        category: "other",
        lessons: &["Nothing here."],
        actions: &[],
        complete: false,
    });
    write_coes(&env, &specs);
    // A word only the DNS outage's lessons contain.
    let path = "coes/2026-11-20-dns-outage.yaml";
    env.write(
        path,
        env.read(path).replace(
            "lessons:\n",
            "lessons:\n  - \"Failover drills need a quarterly zeppelin exercise.\"\n",
        ),
    );
    env
}

#[test]
fn site_writes_every_page_escaped_and_without_external_assets() {
    let env = site_env();
    let out = env.run_ok(&["site", "-o", "public"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("6 COE pages"), "{err}");
    let index = env.read("public/index.html");
    let report = env.read("public/report.html");
    let page = env.read("public/coes/2026-11-20-dns-outage.html");
    assert!(page.contains("zeppelin"), "{page}");
    assert!(
        report.contains("href=\"coes/2026-11-20-dns-outage.html\""),
        "{report}"
    );
    for html in [&index, &report, &page] {
        for external in ["http://", "https://", "src=\"", "@import", "<link", "url("] {
            let outside_text = html
                .replace("https://grafana.example.com", "")
                .replace("https://jira.example.com", "")
                .replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
            assert!(!outside_text.contains(external), "{external}");
        }
        assert!(!html.contains("<img"), "hostile markup stays text");
    }
    assert!(index.contains("&lt;img src=x onerror="), "{index}");
    // The index's JSON cannot end its script element early.
    let json = index
        .split("id=\"coe-index\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(parsed["docs"].as_array().map(Vec::len), Some(6));
    assert_eq!(
        parsed["terms"]["zeppelin"],
        serde_json::json!([3]),
        "newest first: payments, the hostile COE, checkout, dns"
    );
    assert_eq!(index.matches("<script").count(), 2);
}

/// A headless Chromium, or why there is none.
fn chromium() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err("no chromium on PATH (.ci/run installs the Debian package)".into())
}

/// The DOM of `page` after its scripts ran, as Chromium serialises it.
fn dump_dom(browser: &Path, profile: &Path, url: &str) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The ids of the list's rows that are shown (not `hidden`).
fn shown_rows(dom: &str) -> Vec<String> {
    dom.split("<tr")
        .skip(1)
        .filter(|row| row.starts_with('>'))
        .filter_map(|row| {
            row.split("href=\"coes/")
                .nth(1)
                .and_then(|s| s.split(".html").next())
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn site_search_and_filters_work_in_a_browser() {
    let browser = match chromium() {
        Ok(b) => b,
        Err(why) => {
            eprintln!("skipping the browser test of `coe site`: {why}");
            return;
        }
    };
    let env = site_env();
    env.run_ok(&["site", "-o", "public"]);
    let profile = env.root.join(".chromium-profile");
    let base = format!("file://{}", env.root.join("public/index.html").display());

    let all = dump_dom(&browser, &profile, &base);
    assert!(all.contains("6 of 6 COEs"), "{all}");
    assert_eq!(shown_rows(&all).len(), 6, "{all}");
    // The hostile title is text: no element was made from it and its script never ran.
    assert!(all.contains("&lt;img src=x onerror="), "{all}");
    assert!(!all.contains("<img"), "{all}");
    assert!(all.contains("<title>COEs</title>"), "{all}");

    // A word of a lesson finds its COE, by prefix too.
    let found = dump_dom(&browser, &profile, &format!("{base}?q=zeppel"));
    assert_eq!(shown_rows(&found), ["2026-11-20-dns-outage"], "{found}");
    assert!(found.contains("1 of 6 COEs"), "{found}");
    // Every word must match; filters combine with the search.
    let none = dump_dom(
        &browser,
        &profile,
        &format!("{base}?q=zeppelin+checkout+nosuchword"),
    );
    assert!(shown_rows(&none).is_empty(), "{none}");
    let filtered = dump_dom(
        &browser,
        &profile,
        &format!("{base}?service=checkout&severity=SEV2"),
    );
    assert_eq!(
        shown_rows(&filtered),
        [
            "2026-11-22-checkout-latency",
            "2026-09-28-checkout-config-push"
        ],
        "{filtered}"
    );
    let report = dump_dom(
        &browser,
        &profile,
        &format!("file://{}", env.root.join("public/report.html").display()),
    );
    assert!(report.contains("<h1>COE report"), "{report}");
    assert_eq!(report.matches("<svg").count(), 3, "{report}");
}

#[test]
fn site_of_the_demo_has_a_page_per_coe() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo");
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("coe"));
    crate::common::hermetic(&mut cmd, &demo);
    let out = cmd
        .arg("-C")
        .arg(&demo)
        .args(["site", "-o"])
        .arg(out_dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = std::fs::read_dir(demo.join("coes")).unwrap().count();
    let pages = std::fs::read_dir(out_dir.path().join("coes"))
        .unwrap()
        .count();
    assert_eq!(pages, files);
    assert!(out_dir.path().join("report.html").is_file());
}
