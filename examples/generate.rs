//! Generates a realistic COE repository, for benchmarks and for trying coe at scale.
//!
//! ```sh
//! cargo run --release --example generate -- --count 10000 --seed 42 --out /tmp/coe-10k
//! ```
//!
//! The output is a function of the arguments alone: the same `--count`, `--seed`, `--today`
//! and `--days` give the same files, byte for byte, and the same commit id. Every file is
//! valid per the SPEC and written by coe's own `format::to_yaml`, about 4 KB each, with the
//! mix a real organisation has: mostly closed COEs, drafts (some past `due_days`), overdue
//! corrective actions, recurring root causes and, now and then, blame language for
//! `coe check` to flag. The repository gets `.coe.yaml`, `coes/`, `git init` and one commit.
//!
//! With `--repos N`, `--out` gets N such repositories, `team-01` to `team-N`, each of
//! `--count` COEs from its own seed (`--seed` + its number): the many teams' repositories a
//! director reads with `coe report --repo`.
//!
//! ```sh
//! cargo run --release --example generate -- --repos 10 --count 10000 --out /tmp/coe-100k
//! ```

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use coe::model::coe::{
    Coe, CorrectiveAction, DataPoint, Impact, Implications, Incident, RootCause, TimelineEntry,
    WhatHappened, FORMAT_VERSION,
};
use coe::model::dates::add_days;
use coe::model::dates::Stamp;
use coe::model::ids::slugify;
use coe::model::kinds::ActionKind;
use coe::model::kinds::ActionStatus;
use coe::model::kinds::Status;
use coe::model::policy::Config;
use jiff::civil::Date;
use jiff::{Span, Timestamp};
use rayon::prelude::*;

/// Generate a realistic COE repository
#[derive(Debug, Clone, Parser)]
#[command(name = "generate")]
struct Args {
    /// How many COE files to write
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Seed of the pseudo-random generator: the same seed gives the same repository
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The directory to create (must not exist, or be empty)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The day the repository is generated for: incidents end before it
    #[arg(long, value_name = "DATE", default_value = "2026-11-25")]
    today: Date,
    /// Spread incidents over this many days before `--today` (default: about 7 a day, at
    /// least 70 days)
    #[arg(long, value_name = "DAYS")]
    days: Option<u32>,
    /// Write the files without `git init` and the commit
    #[arg(long)]
    no_git: bool,
    /// Write this many repositories, `team-01`, `team-02`, ..., in `--out`
    #[arg(long, value_name = "N")]
    repos: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let Some(repos) = args.repos else {
        return run_one(args);
    };
    prepare_out_dir(&args.out)?;
    let width = repos.to_string().len().max(2);
    for n in 1..=repos {
        let team = Args {
            out: args.out.join(format!("team-{n:0width$}")),
            seed: args.seed.wrapping_add(n as u64),
            repos: None,
            ..args.clone()
        };
        run_one(&team)?;
    }
    Ok(())
}

fn run_one(args: &Args) -> Result<()> {
    let started = std::time::Instant::now();
    prepare_out_dir(&args.out)?;
    let config = Config::default();
    let coes = generate(args, &config);

    let coe_dir = args.out.join(&config.dir);
    std::fs::create_dir_all(&coe_dir)
        .with_context(|| format!("creating directory {}", coe_dir.display()))?;
    let config_text = coe::commands::init::config_text(&config.dir);
    std::fs::write(args.out.join(coe::model::policy::CONFIG_FILE), config_text)
        .with_context(|| format!("writing {}/.coe.yaml", args.out.display()))?;
    let bytes: usize = coes
        .par_iter()
        .map(|coe| -> Result<usize> {
            let text = coe::store::format::to_yaml(coe);
            let path = coe_dir.join(format!("{}.yaml", coe.id));
            std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
            Ok(text.len())
        })
        .sum::<Result<usize>>()?;

    let commit = if args.no_git {
        None
    } else {
        Some(commit_all(&args.out, args)?)
    };
    let drafts = coes.iter().filter(|c| c.status == Status::Draft).count();
    let today = args.today;
    let config = coe::model::policy::Config::default();
    let overdue = coes
        .iter()
        .flat_map(|c| {
            c.corrective_actions
                .iter()
                .filter(|ca| c.action_days_overdue(ca, &config, today).is_some())
        })
        .count();
    eprintln!(
        "Wrote {} COEs ({} drafts, {} overdue actions, {:.1} KB each on average) to {}{} in {:.1} s.",
        coes.len(),
        drafts,
        overdue,
        bytes as f64 / coes.len().max(1) as f64 / 1000.0,
        args.out.display(),
        commit
            .map(|c| format!(", committed as {}", &c.to_string()[..8]))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Creates `out`, refusing a directory that already holds something: the generator never
/// mixes its files with anyone else's.
fn prepare_out_dir(out: &Path) -> Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} already exists and is not empty; remove it or pick another --out",
                    out.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(out)
            .with_context(|| format!("creating directory {}", out.display())),
        Err(e) => Err(e).with_context(|| format!("reading directory {}", out.display())),
    }
}

/// `git init` (branch `main`) and one commit of everything, with a fixed author and date so
/// the commit id is reproducible too.
fn commit_all(out: &Path, args: &Args) -> Result<git2::Oid> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = git2::Repository::init_opts(out, &opts)
        .with_context(|| format!("running git init in {}", out.display()))?;
    let mut index = repo.index()?;
    index.add_all(["*"], git2::IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let when = args
        .today
        .at(12, 0, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0);
    let sig = git2::Signature::new(
        "coe generator",
        "generator@example.com",
        &git2::Time::new(when, 0),
    )?;
    let message = format!(
        "Generated {} COEs (seed {}, today {})",
        args.count, args.seed, args.today
    );
    Ok(repo.commit(Some("HEAD"), &sig, &sig, &message, &tree, &[])?)
}

/// SplitMix64: tiny, fast, and good enough to pick words; no dependency needed.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, usize)]) -> &'a T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut n = self.below(total);
        for (item, weight) in items {
            if n < *weight {
                return item;
            }
            n -= weight;
        }
        &items[items.len() - 1].0
    }

    /// `n` distinct items, in their original order.
    fn some<'a, T>(&mut self, items: &'a [T], n: usize) -> Vec<&'a T> {
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < n.min(items.len()) {
            let i = self.below(items.len());
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &items[i]).collect()
    }
}

/// A service: what its customers do with it, and what it is built from and depends on.
struct Service {
    name: &'static str,
    /// How titles and sentence starts name it.
    display: &'static str,
    /// "could not ..." completes the sentence.
    task: &'static str,
    dependencies: &'static [&'static str],
    components: &'static [&'static str],
}

const SERVICES: &[(Service, usize)] = &[
    (
        Service {
            name: "checkout",
            display: "Checkout",
            task: "complete checkout",
            dependencies: &[
                "the payments service",
                "the pricing service",
                "the inventory service",
            ],
            components: &["basket API", "order writer", "address validation"],
        },
        14,
    ),
    (
        Service {
            name: "payments",
            display: "Payments",
            task: "pay by card",
            dependencies: &[
                "the primary payment provider",
                "the fraud scoring service",
                "the card vault",
            ],
            components: &["authorisation client", "refund worker", "3-D Secure flow"],
        },
        12,
    ),
    (
        Service {
            name: "search",
            display: "Search",
            task: "find products",
            dependencies: &[
                "the search cluster",
                "the catalogue feed",
                "the ranking model server",
            ],
            components: &["query service", "autocomplete", "index builder"],
        },
        10,
    ),
    (
        Service {
            name: "auth",
            display: "Sign-in",
            task: "sign in",
            dependencies: &[
                "the session store",
                "the SMS provider",
                "the identity database",
            ],
            components: &["token signer", "session service", "two-factor flow"],
        },
        9,
    ),
    (
        Service {
            name: "inventory",
            display: "Inventory",
            task: "see accurate stock",
            dependencies: &[
                "the warehouse system",
                "the stock database",
                "the change-data pipeline",
            ],
            components: &["reservation API", "stock sync consumer", "allocation job"],
        },
        8,
    ),
    (
        Service {
            name: "notifications",
            display: "Notifications",
            task: "receive order updates",
            dependencies: &["the email provider", "the push gateway", "the SMS provider"],
            components: &["email worker", "push sender", "template renderer"],
        },
        7,
    ),
    (
        Service {
            name: "shipping",
            display: "Shipping",
            task: "see delivery dates",
            dependencies: &[
                "the carrier rates API",
                "the address service",
                "the label printing service",
            ],
            components: &[
                "delivery promise service",
                "label service",
                "tracking ingest",
            ],
        },
        6,
    ),
    (
        Service {
            name: "catalog",
            display: "Catalogue",
            task: "open product pages",
            dependencies: &[
                "the product database",
                "the image CDN",
                "the pricing service",
            ],
            components: &["product API", "image resizer", "catalogue importer"],
        },
        7,
    ),
    (
        Service {
            name: "recommendations",
            display: "Recommendations",
            task: "see recommendations",
            dependencies: &["the feature store", "the model server", "the events stream"],
            components: &["ranker", "feature pipeline", "widget API"],
        },
        4,
    ),
    (
        Service {
            name: "accounts",
            display: "Accounts",
            task: "update their account",
            dependencies: &[
                "the identity database",
                "the address service",
                "the email provider",
            ],
            components: &["profile API", "address book", "preferences store"],
        },
        5,
    ),
    (
        Service {
            name: "pricing",
            display: "Pricing",
            task: "see correct prices",
            dependencies: &[
                "the promotions engine",
                "the tax service",
                "the currency feed",
            ],
            components: &["price API", "promotion evaluator", "tax calculator"],
        },
        5,
    ),
    (
        Service {
            name: "api-gateway",
            display: "API gateway",
            task: "use the website and apps",
            dependencies: &[
                "the load balancers",
                "the DNS provider",
                "the certificate store",
            ],
            components: &["edge proxy", "rate limiter", "routing table"],
        },
        6,
    ),
    (
        Service {
            name: "mobile-app",
            display: "Mobile app",
            task: "use the mobile app",
            dependencies: &[
                "the API gateway",
                "the app configuration service",
                "the feature-flag service",
            ],
            components: &["home screen", "basket screen", "app config loader"],
        },
        5,
    ),
];

/// One coherent story of how an incident of a category happens: its trigger, how it was
/// found and fixed, its root cause and the chain of whys that leads there.
struct Scenario {
    title: &'static str,
    /// The first sentences of the summary; its first sentence is the first timeline event.
    trigger: &'static str,
    /// The timeline event when the cause was found.
    found: &'static str,
    /// What the team did, completing "The team ... at 10:41 UTC".
    fix: &'static str,
    /// The timeline event when customers stopped being affected.
    fixed: &'static str,
    root: &'static str,
    whys: &'static [&'static str],
}

/// One root-cause category: its stories, and the lessons and actions teams take.
struct Category {
    name: &'static str,
    scenarios: &'static [Scenario],
    lessons: &'static [&'static str],
    actions: &'static [(&'static str, ActionKind)],
}

const CATEGORIES: &[(Category, usize)] = &[
    (Category {
        name: "deployment",
        scenarios: &[
            Scenario {
                title: "{Service} errors after release {release}",
                trigger: "Release {release} of {service} changed how the {component} handles {thing}. The change went to every host in one step, and requests with {thing} started failing.",
                found: "Errors traced to the {component} change in release {release}",
                fix: "rolled release {release} back",
                fixed: "Rollback of release {release} complete; error rate back to normal",
                root: "{Service} releases go to all traffic in one step, and the canary compares only overall error rates and latency, so a change that broke requests with {thing} reached every customer before anything compared it with the previous release.",
                whys: &["Requests failed because the {component} rejected {thing} after release {release}.", "It rejected them because the change assumed a format that {thing} do not always have.", "The assumption was not caught because the tests use hand-written fixtures, not production-like data.", "It reached all traffic at once because {service} has no staged rollout.", "There is no staged rollout because the {service} pipeline predates it and moving it was never planned."],
            },
            Scenario {
                title: "{Service} outage after a deploy ran ahead of its schema migration",
                trigger: "Release {release} of {service} expected a database column that a schema migration adds. The release took traffic before the migration had run, so every request through the {component} failed.",
                found: "Errors traced to a missing column; migration found not yet applied",
                fix: "applied the migration and restarted the hosts",
                fixed: "Migration applied and hosts restarted; errors stop",
                root: "The pipeline lets a release take traffic before the migration it needs has run, and nothing checks that the schema a release expects is in place.",
                whys: &["Requests failed because the code queried a column that did not exist yet.", "The column did not exist because the migration ran after the deploy.", "That order was possible because migrations are a separate, manual pipeline step.", "Nothing stopped the deploy because releases do not declare the schema version they need."],
            },
            Scenario {
                title: "{Service} failures for older app versions after release {release}",
                trigger: "Release {release} of {service} removed a field from the {component} responses that older versions of the mobile apps still read. The release passed its canary in the morning and failed in the evening, when app traffic peaks.",
                found: "Failures found only on requests from app versions older than six months",
                fix: "rolled the release back",
                fixed: "Release rolled back; older apps work again",
                root: "The {service} API contract does not record which fields old clients still read, and the canary runs when few of those clients are active.",
                whys: &["Older apps failed because a field they read was missing from the {component} response.", "The field was removed because the API contract did not list it as in use.", "The canary did not catch it because it ran when few older apps were active.", "The canary window is fixed because canary analysis was set up for web traffic only."],
            },
        ],
        lessons: &["A canary is only as good as the metrics and the traffic it sees.", "A step that must come first should be enforced by the pipeline, not remembered.", "Staged rollouts turn a bad release into a small blip instead of an outage.", "Rollback was fast once decided; deciding took most of the time."],
        actions: &[("Roll {service} releases out in stages (1%, 10%, 50%, 100%) with automatic rollback", ActionKind::Prevent), ("Add feature metrics for the {component} to the canary analysis", ActionKind::Detect), ("Run schema migrations as a gated pipeline stage before any host takes the release", ActionKind::Prevent), ("Add production-like test data for the {component} to the {service} test suite", ActionKind::Prevent), ("Make one-click rollback the first step of the {service} runbook", ActionKind::Mitigate), ("Review the {service} release checklist with the release team", ActionKind::Process)],
    }, 20),
    (Category {
        name: "configuration",
        scenarios: &[
            Scenario {
                title: "{Service} latency spike after config push {change}",
                trigger: "Configuration change {change} raised the {setting} of the {component} tenfold, in all regions at once. Slow calls then held connections ten times longer, the pool ran out, and requests to {service} queued and timed out.",
                found: "Config change {change} identified as the trigger",
                fix: "reverted config change {change}",
                fixed: "Config change {change} reverted; latency back to normal",
                root: "Configuration pushes skip the staged rollout that code changes go through, so a bad value reaches every region at once.",
                whys: &["Requests to {service} timed out.", "The {component} ran out of connections after the {setting} changed.", "The change reached every region at once.", "Config pushes are not staged like code.", "The config system was built for feature flags, where global pushes were considered safe."],
            },
            Scenario {
                title: "{Service} rejected valid requests after {setting} change",
                trigger: "Configuration change {change} lowered the {setting} of the {component}. The value was safe in staging, where traffic is a fifth of production, and the {component} began rejecting valid requests within a minute.",
                found: "Rejections traced to the new {setting} from change {change}",
                fix: "restored the previous {setting}",
                fixed: "Previous {setting} restored; requests accepted again",
                root: "The {setting} of the {component} is not validated against production traffic before it is applied, and config changes have no canary stage.",
                whys: &["Customers got errors because the {component} rejected valid requests.", "It rejected them because change {change} set the {setting} below production traffic.", "The value was not checked because config changes have no validation against production limits.", "It applied everywhere at once because config pushes have no canary stage."],
            },
        ],
        lessons: &["Configuration is code: it needs review, canaries and rollback.", "Global pushes turn a small mistake into a global outage.", "Alarms on saturation would have shown the cause minutes earlier."],
        actions: &[("Route config pushes for {service} through the same staged rollout as code", ActionKind::Prevent), ("Validate the {setting} of the {component} against production traffic before applying it", ActionKind::Prevent), ("Alarm on connection pool saturation in the {component}", ActionKind::Detect), ("Add a one-command config rollback to the {service} runbook", ActionKind::Mitigate), ("Require a second reviewer for production config changes", ActionKind::Process)],
    }, 15),
    (Category {
        name: "dependency",
        scenarios: &[
            Scenario {
                title: "{Service} failures while {dependency} timed out",
                trigger: "{Dependency} slowed down in one region (p99 {n} seconds against a normal few hundred milliseconds). {Service} gives up after 3 seconds and reported every timeout to customers as a failure.",
                found: "{Dependency} confirms degraded performance on their side",
                fix: "moved traffic to the standby by hand, following the runbook",
                fixed: "Traffic on the standby; success rate back to normal",
                root: "{Service} depends on {dependency} with no automatic fallback and treats a slow answer as a failure; the manual failover in the runbook had never been exercised.",
                whys: &["Customers could not {task} because calls to {dependency} failed.", "Calls failed because {dependency} answered slowly and our 3-second timeout gave up.", "Traffic stayed on it because failover is a manual runbook step.", "Failover was manual because the standby was added for cost, not for resilience.", "Nobody owned failover, so it was never automated or practised."],
            },
            Scenario {
                title: "{Service} outage amplified by retries to {dependency}",
                trigger: "{Dependency} started rejecting about a tenth of requests after a change on their side. {Service} retried every rejected call at once, up to five times, which tripled the load on both and exhausted the worker threads of the {component}.",
                found: "Retry storm from the {component} identified in the traces",
                fix: "turned retries off with a feature flag",
                fixed: "Retries off; thread pools recover and errors fall to the rejection rate",
                root: "{Service} retries failed calls to {dependency} without backoff or a budget, so a partial outage there became a full outage here.",
                whys: &["Customers saw errors because the {component} ran out of worker threads.", "Threads were held by retries to {dependency}.", "Retries multiplied because they had no backoff and no budget.", "The retry policy was a library default that nobody reviewed for this call."],
            },
        ],
        lessons: &["A second provider is not resilience until failing over is automatic and exercised.", "Retries without a budget turn someone else's partial outage into our full outage.", "Map dependencies to the bottom of the stack before calling two paths redundant.", "A timeout is not the customer's failure; tell them what really happened."],
        actions: &[("Fail over from {dependency} automatically when its error rate passes 5% for 2 minutes", ActionKind::Prevent), ("Add backoff and a retry budget to {service} calls to {dependency}", ActionKind::Prevent), ("Page on {dependency} latency as seen from {service}", ActionKind::Detect), ("Run a failover game day for {service} every quarter", ActionKind::Process), ("Serve cached results when {dependency} is slow", ActionKind::Mitigate)],
    }, 15),
    (Category {
        name: "software-defect",
        scenarios: &[
            Scenario {
                title: "Duplicate work from {service} retries during a backlog",
                trigger: "A backlog made the {component} slower than its queue's 30-second visibility timeout. Messages became visible again while their first attempt was still running, and other workers processed them a second time.",
                found: "Duplicates traced to messages delivered twice under the backlog",
                fix: "raised the visibility timeout and paused the bulk traffic",
                fixed: "Visibility timeout raised; duplicates stop",
                root: "The {component} was not idempotent, and the queue's visibility timeout was shorter than the work could take under load, so slow work was redone while still in progress.",
                whys: &["Customers were affected because the {component} did the same work twice.", "It did it twice because the message became visible again before the first attempt finished.", "The first attempt was slow because bulk and customer traffic share one queue.", "A second attempt had an effect because the {component} keeps no record of work already done."],
            },
            Scenario {
                title: "{Service} race condition under peak load",
                trigger: "Under {n} times the usual load, two requests to the {component} read the same record and both wrote it back, so one update was lost. The {component} gave customers results that disagreed with what they had just done.",
                found: "Lost updates found in the database trace of interleaved requests",
                fix: "serialised updates with a lock as a stopgap",
                fixed: "Stopgap lock deployed; no more lost updates",
                root: "The {component} checked and updated state in two separate steps, a race that normal traffic never exposed.",
                whys: &["Customers saw wrong results because two requests updated the same record at once.", "Both succeeded because the check and the update were separate statements.", "The race was not found in testing because load tests spread traffic across many records.", "Load tests are shaped that way because they replay average traffic, not peaks."],
            },
            Scenario {
                title: "{Component} crash loop on unexpected input",
                trigger: "A new partner integration started sending {thing} to the {component}. The parser did not expect them and the process crashed, restarted and crashed again on the same request, taking the {component} down.",
                found: "Crash traced to {thing} in the partner's requests",
                fix: "blocked the partner's requests and deployed a parser fix",
                fixed: "Parser fix deployed; the {component} is stable",
                root: "The {component} crashes on input it does not understand instead of rejecting it, and one bad request can take every replica down in turn.",
                whys: &["Customers got errors because every replica of the {component} was restarting.", "They restarted because the parser crashed on {thing}.", "The parser crashed because it assumed a format that was never validated.", "A single request could crash every replica because failed requests are retried on another replica."],
            },
        ],
        lessons: &["At-least-once delivery needs idempotent consumers.", "Load tests must include the traffic shapes we actually see, not only averages.", "Reject bad input; never crash on it.", "Property-based tests would have found this input in minutes."],
        actions: &[("Make the {component} idempotent per request id", ActionKind::Prevent), ("Replace the read-then-write in the {component} with one atomic update", ActionKind::Prevent), ("Add a load test with one hot record to the {service} suite", ActionKind::Detect), ("Alarm on duplicate work per message id in the {component}", ActionKind::Detect), ("Add property-based tests for the {component} parser", ActionKind::Prevent), ("Reject unparseable requests with a clear error instead of crashing", ActionKind::Mitigate)],
    }, 18),
    (Category {
        name: "capacity",
        scenarios: &[
            Scenario {
                title: "{Service} slow during campaign peak",
                trigger: "A marketing campaign brought {n} times the usual peak traffic to {service}. The {component} saturated within minutes and requests queued behind it.",
                found: "Dashboards show the {component} saturated at its instance limit",
                fix: "raised the instance limit and added capacity",
                fixed: "Capacity added; latency back to normal",
                root: "{Service} capacity is planned from last year's peaks, and nothing warns when headroom falls below what a campaign needs.",
                whys: &["Requests were slow because the {component} was saturated.", "It was saturated because traffic was far above its planned peak.", "The plan used last year's peak because campaign forecasts do not reach the capacity review.", "They do not reach it because marketing and engineering plan on different calendars."],
            },
            Scenario {
                title: "{Service} slow after {component} node replacement",
                trigger: "Two {component} nodes were replaced during planned maintenance. The new nodes started empty, and the remaining ones could not absorb the load during the evening peak.",
                found: "Cache hit rate found to have dropped below 40%",
                fix: "paused the maintenance and warmed the new nodes",
                fixed: "Hit rate back above 90%; latency normal",
                root: "Replacing {component} nodes sends traffic to them before they are warm, and the remaining nodes have no headroom for it.",
                whys: &["Requests were slow because most lookups missed the cache.", "They missed because the replaced nodes started empty.", "Traffic went to empty nodes because the procedure does not warm them.", "The procedure was written when the data set was small enough to fill in seconds."],
            },
            Scenario {
                title: "{Component} ran out of disk",
                trigger: "The {component} ran out of disk after its data grew {n}-fold in a month, and it stopped accepting writes.",
                found: "Disk full on every {component} node",
                fix: "expanded the volumes and cleared old segments",
                fixed: "Volumes expanded; writes accepted again",
                root: "Disk usage of the {component} is not forecast or alarmed on, so steady growth turned into a sudden outage.",
                whys: &["Writes failed because the {component} disks were full.", "They filled because data grew {n}-fold in a month.", "Nobody saw it coming because there is no alarm on disk growth.", "Retention was never set because the {component} started as a prototype."],
            },
        ],
        lessons: &["Capacity plans need the campaign calendar.", "Headroom alarms are cheaper than outages.", "Maintenance procedures age as data grows; review them yearly."],
        actions: &[("Warm new {component} nodes before they take traffic", ActionKind::Prevent), ("Alarm when {service} headroom falls below 30% of forecast peak", ActionKind::Detect), ("Add the campaign calendar to the monthly capacity review", ActionKind::Process), ("Autoscale the {component} on queue depth, not CPU", ActionKind::Mitigate), ("Set retention and a growth alarm for the {component}", ActionKind::Prevent)],
    }, 10),
    (Category {
        name: "data",
        scenarios: &[
            Scenario {
                title: "{Service} showed stale data after the {component} stalled",
                trigger: "The {component} stopped on a record it could not parse and retried it for hours, so {service} data stopped changing. Customers were shown information that was hours old.",
                found: "The {component} found retrying one record since the start",
                fix: "skipped the bad record by hand",
                fixed: "Bad record skipped; the backlog drains",
                root: "The {component} has no way to set aside a record it cannot process and no alarm on lag, so one bad record silently stopped all updates.",
                whys: &["Customers saw wrong data because {service} data was hours old.", "It was old because the {component} stopped advancing.", "It stopped because it retried one bad record forever.", "It retried forever because it has no dead-letter queue.", "Nobody knew for hours because there is no alarm on lag."],
            },
            Scenario {
                title: "{Service} served partial data after a rebuild",
                trigger: "A scheduled rebuild of the {component} data swapped in a new data set that held a fraction of the records. The job that built it had given up on rejected writes and still reported success.",
                found: "New data set found to hold a fraction of the previous record count",
                fix: "swapped the previous data set back in",
                fixed: "Previous data set restored",
                root: "The swap to new data trusted the exit status of the job that built it; nothing compared the new data with the old before customers saw it.",
                whys: &["Customers saw missing results because the new data set was mostly empty.", "It was swapped in because the build job exited successfully.", "The job exited successfully because it logged rejected writes as warnings.", "The swap trusted the exit status because it had no check of its own."],
            },
        ],
        lessons: &["Every consumer needs a dead-letter path and a lag alarm; a stuck pipeline looks healthy.", "Verify the data itself before sending traffic to it.", "Warnings in batch logs are read by nobody."],
        actions: &[("Send records that fail three times in the {component} to a dead-letter queue", ActionKind::Prevent), ("Page when the {component} lags more than 10 minutes", ActionKind::Detect), ("Refuse a data set swap unless record counts are within 5% of the previous one", ActionKind::Prevent), ("Validate records at the source", ActionKind::Prevent)],
    }, 7),
    (Category {
        name: "network",
        scenarios: &[
            Scenario {
                title: "{Service} timeouts from packet loss in one zone",
                trigger: "A network change in one availability zone dropped a share of packets between {service} and {dependency}. Requests through that zone timed out while health checks kept passing.",
                found: "Packet loss found between the zone and {dependency}",
                fix: "drained the zone",
                fixed: "Zone drained; timeouts stop",
                root: "{Service} health checks test each instance, not the network path customers' requests take, so a degraded zone kept its traffic.",
                whys: &["Customers could not {task} because requests timed out.", "They timed out because packets were dropped between zones.", "Traffic kept flowing there because health checks passed on the instances themselves.", "Health checks do not test the network path our customers use."],
            },
            Scenario {
                title: "{Service} unreachable during DNS provider outage",
                trigger: "Our DNS provider had an outage and cached answers for {service} expired after 60 seconds. Clients could no longer resolve the {service} endpoints.",
                found: "DNS provider confirms an outage",
                fix: "moved the zone to the secondary DNS provider",
                fixed: "Secondary DNS answering; clients resolve again",
                root: "{Service} relies on one DNS provider, and its DNS answers expire after 60 seconds, far shorter than a plausible provider outage.",
                whys: &["Clients could not reach {service} because DNS lookups failed.", "They failed because the DNS provider was down and cached answers had expired.", "Answers expired quickly because the TTL was set to 60 seconds for a migration two years ago.", "Nobody reset it because TTLs are not reviewed."],
            },
        ],
        lessons: &["Health checks must follow the customer's path, not the instance's.", "Short DNS TTLs are a migration tool, not a default."],
        actions: &[("Health-check {service} through the load balancer path customers use", ActionKind::Detect), ("Add a secondary DNS provider for {service}", ActionKind::Prevent), ("Drain a zone from {service} with one command", ActionKind::Mitigate), ("Review DNS TTLs every quarter", ActionKind::Process)],
    }, 5),
    (Category {
        name: "hardware",
        scenarios: &[
            Scenario {
                title: "{Component} host failure degraded {service}",
                trigger: "The primary host of the {component} lost a disk, and failing over to the replica took {n} minutes because the failover is a manual step.",
                found: "Primary host found unresponsive with a failed disk",
                fix: "promoted the replica",
                fixed: "Replica promoted; the {component} serving again",
                root: "Failover of the {component} is manual, because automatic failover was turned off after a false trigger last year.",
                whys: &["Customers could not {task} because the {component} was down.", "It was down because its primary host lost a disk.", "Failover took long because it is a manual step.", "It is manual because automatic failover was turned off after a false trigger last year."],
            },
            Scenario {
                title: "Rack power fault took out {component} replicas",
                trigger: "A power fault in one rack took out three {component} hosts at once, including the primary and both replicas.",
                found: "All three hosts found in the same rack",
                fix: "restored the {component} from the standby site",
                fixed: "Standby site serving; customers served again",
                root: "The {component} replicas shared one rack, so one fault took out every copy.",
                whys: &["Customers could not {task} because every {component} host was down.", "They were down because they lost power together.", "They lost power together because they shared a rack.", "Placement ignored racks because the scheduler was not given rack labels."],
            },
        ],
        lessons: &["Replicas that share a failure domain are one copy.", "Turning automation off after a false alarm trades a small risk for a larger one."],
        actions: &[("Spread {component} replicas across racks", ActionKind::Prevent), ("Re-enable automatic failover for the {component} with a safer trigger", ActionKind::Mitigate), ("Alarm on disk health of {component} hosts", ActionKind::Detect)],
    }, 3),
    (Category {
        name: "security",
        scenarios: &[
            Scenario {
                title: "{Service} certificate expired",
                trigger: "The TLS certificate of the {component} expired at midnight and clients refused to connect to it.",
                found: "Expired certificate found on the {component}",
                fix: "issued and deployed a new certificate",
                fixed: "New certificate deployed; connections succeed",
                root: "Certificate renewal for {service} depends on a calendar reminder and a manual step, with no alarm before expiry.",
                whys: &["Clients refused connections because the certificate had expired.", "It expired because renewal is a manual step.", "Nobody did the step because the reminder went to a team that was reorganised.", "There is no alarm on certificate expiry."],
            },
            Scenario {
                title: "Signing key rotation signed customers out of {service}",
                trigger: "A scheduled rotation started signing tokens with a new key at the moment it published that key. Verifiers cache the key set for a day, so they rejected every new token.",
                found: "Verifiers found rejecting tokens with an unknown key id",
                fix: "reverted the signer to the previous key",
                fixed: "Signer reverted; sign-ins succeed",
                root: "The rotation publishes and activates a key in one step, while verifiers cache the key set for a day and never refetch it.",
                whys: &["Customers were signed out because their tokens failed verification.", "They failed because verifiers did not have the new key.", "Verifiers did not have it because they cache the key set for 24 hours.", "The signer used it at once because rotation publishes and activates in one step."],
            },
        ],
        lessons: &["Expiry is a date we know in advance; alarm on it weeks ahead.", "Rotation needs overlap: publish, wait longer than any cache, then use."],
        actions: &[("Renew {service} certificates automatically 30 days before expiry", ActionKind::Prevent), ("Alarm 21 days before any {service} certificate expires", ActionKind::Detect), ("Rotate keys in two phases, publishing 48 hours before use", ActionKind::Prevent), ("Review credential ownership after each reorganisation", ActionKind::Process)],
    }, 3),
    (Category {
        name: "process",
        scenarios: &[
            Scenario {
                title: "{Service} maintenance ran during peak hours",
                trigger: "Planned maintenance of the {component} ran during the evening peak, not at night, because the change calendar entry was in the wrong time zone.",
                found: "Maintenance found running at peak",
                fix: "stopped the maintenance and restored the {component}",
                fixed: "Maintenance stopped; the {component} restored",
                root: "The change calendar accepts times without a time zone and nothing checks a maintenance window against traffic.",
                whys: &["Customers could not {task} during maintenance.", "Maintenance ran at peak because the calendar entry used the wrong time zone.", "The calendar accepts local times without a zone.", "Nobody reviews maintenance windows against traffic."],
            },
            Scenario {
                title: "Unannounced {dependency} migration broke {service}",
                trigger: "{Dependency} was moved to a new endpoint without notice to {service}, which still called the old one.",
                found: "Calls found going to the retired endpoint",
                fix: "pointed {service} at the new endpoint",
                fixed: "New endpoint configured; calls succeed",
                root: "Changes to shared systems are not announced to the teams that depend on them, because nobody keeps a list of their consumers.",
                whys: &["Customers could not {task} because calls to {dependency} failed.", "They failed because the old endpoint was retired.", "{Service} still used it because the migration was not announced.", "It was not announced because no list of consumers exists."],
            },
        ],
        lessons: &["Changes to shared systems need a notice period and a list of consumers.", "A calendar that accepts ambiguous times will get them."],
        actions: &[("Require UTC times and a traffic check for maintenance windows", ActionKind::Process), ("Publish a consumer list for {dependency} and notify it before migrations", ActionKind::Process), ("Alarm on calls to retired {dependency} endpoints", ActionKind::Detect)],
    }, 3),
    (Category {
        name: "other",
        scenarios: &[
            Scenario {
                title: "{Service} pages blocked by a third-party script",
                trigger: "A third-party script on the {service} pages started blocking rendering after its vendor changed it without notice.",
                found: "Render blocked on the third-party script",
                fix: "removed the script with a feature flag",
                fixed: "Script removed; pages render",
                root: "{Service} loads third-party code synchronously and without a version pin, so a vendor change goes straight to customers.",
                whys: &["Pages did not render because a third-party script blocked them.", "It blocked them because it is loaded synchronously.", "It changed without notice because it is not pinned to a version.", "Nobody reviews third-party scripts after they are added."],
            },
        ],
        lessons: &["Third-party code on our pages is a dependency like any other.", "Pin what you load; review what you pin."],
        actions: &[("Load third-party scripts on {service} pages asynchronously, pinned to a version", ActionKind::Prevent), ("Alarm on page render time per third-party script", ActionKind::Detect), ("Review third-party scripts every quarter", ActionKind::Process)],
    }, 2),
];

const THINGS: &[&str] = &[
    "addresses with long postcodes",
    "promo codes in lower case",
    "baskets with over 100 items",
    "product ids with leading zeros",
    "amounts in minor currency units",
    "empty optional fields",
    "customer names with accents",
    "gift cards with a zero balance",
];
const SETTINGS: &[&str] = &[
    "client timeout",
    "connection pool size",
    "rate limit",
    "retry count",
    "cache TTL",
    "circuit-breaker threshold",
];
const FIRST_NAMES: &[&str] = &[
    "Jane", "Marcus", "Priya", "Tomás", "Aisha", "Daniel", "Hannah", "Wei", "Fatima", "Lukas",
    "Sofia", "Kenji", "Olu", "Maria", "Ravi", "Chloé", "Ahmed", "Ingrid", "Diego", "Mei",
];
const LAST_NAMES: &[&str] = &[
    "Doe", "Olsen", "Raman", "Herrera", "Bello", "Mensah", "Kowalski", "Zhang", "Haddad", "Becker",
    "Rossi", "Tanaka", "Adeyemi", "García", "Iyer", "Martin", "Farouk", "Nilsen", "Silva", "Chen",
];
const DETECTIONS: &[&str] = &[
    "{Service} error-rate alarm pages the on-call",
    "Latency alarm on the {component} pages the on-call",
    "Customer support reports a rise in contacts and pages the on-call",
    "Synthetic check that customers can {task} fails in two regions",
    "Business-metrics alarm: {service} traffic below forecast",
];
const ESCALATIONS: &[&str] = &[
    "Incident declared; incident commander and {service} owners join the call",
    "Status page updated: customers may be unable to {task}",
    "Second on-call engaged; support briefed with a holding message",
];
const RESOLUTIONS: &[&str] = &[
    "Backlog drained and affected orders reconciled",
    "Follow-up fix deployed and verified",
    "All regions checked and back to their normal configuration",
    "Monitoring confirms normal operation for an hour; incident closed",
];
const CUSTOMER_DETAIL: &[&str] = &[
    "Most of them retried and succeeded after the incident; some gave up.",
    "Customers on the mobile apps were affected the same way as on the website.",
    "Customers in one region were affected; the others were served normally.",
    "Those who contacted support were told we were working on it and given an estimate.",
];
const BUSINESS_DETAIL: &[&str] = &[
    "Most of the lost orders came back within a day.",
    "The incident fell in a campaign window, which made it costlier than usual.",
    "No contractual service levels were breached.",
    "Two enterprise customers asked for a written account, which was sent the next day.",
];
const REMEDIATIONS: &[&str] = &["Every affected customer got an email explaining what happened, and those with a failed order got their basket and price held for 48 hours.", "Delivery fees were refunded on all delayed orders without customers having to ask.", "Customers who contacted support got a $10 credit; everyone else affected got an apology email with a discount code.", "Affected accounts were corrected automatically and each customer got a short note saying what changed.", "Orders that could not be fulfilled were refunded in full, with a $20 credit and priority on the restock."];
const SECURITY_NONE: &[&str] = &["None: no customer data was exposed or changed; requests failed before reading or writing any record.", "None: the failure was closed (requests were rejected, never wrongly accepted), and no access control was bypassed.", "None found: security engineering reviewed the access logs for the window and saw no unauthorised access; no credentials were involved.", "None: the affected data is public catalogue information and no personal data was involved."];
const SECURITY_REAL: &str = "The failure was closed: nothing was accepted that should not have been, and no key or credential was exposed. Security engineering reviewed the timeline and the access logs and agreed no customer data was at risk.";
const BLAME: &[&str] = &[
    "Human error: the engineer ran the change in the wrong order.",
    "Operator error during the change caused the outage.",
    "The on-call engineer should have noticed the warning in the deploy log.",
    "A careless edit to the configuration file.",
    "The team failed to follow the runbook.",
];

/// The whole repository: `count` COEs, ids unique, sorted by id.
fn generate(args: &Args, config: &Config) -> Vec<Coe> {
    let mut rng = Rng(args.seed);
    let days = i64::from(args.days.unwrap_or_else(|| (args.count as u32 / 7).max(70)));
    let mut ids = HashSet::new();
    let mut coes: Vec<Coe> = (0..args.count)
        .map(|i| {
            let mut coe = one_coe(&mut rng, i, days, args.today, config);
            let base = coe.id.clone();
            let mut n = 1;
            while !ids.insert(coe.id.clone()) {
                n += 1;
                coe.id = format!("{base}-{n}");
            }
            coe
        })
        .collect();
    coes.sort_by(|a, b| a.id.cmp(&b.id));
    coes
}

/// Template text with `{key}` (and `{Key}`, capitalised) filled in. A variable listed
/// earlier wins, so `("Service", display name)` can come before `("service", id)`.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (key, value) in vars {
        out = out.replace(&format!("{{{key}}}"), value);
        let mut cap = key.chars();
        if let Some(first) = cap.next() {
            let cap_key = format!("{{{}{}}}", first.to_ascii_uppercase(), cap.as_str());
            out = out.replace(&cap_key, &capitalise(value));
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Text as people type it in an editor: lines of at most 90 characters. One line stays a
/// plain answer; several become a `|` block in the file.
fn wrap(text: &str) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().map_or(0, |l| l.len());
        if line > 0 && line + 1 + word.len() > 90 {
            lines.push(String::new());
        }
        if let Some(l) = lines.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    if lines.len() == 1 {
        lines.remove(0)
    } else {
        lines.join("\n") + "\n"
    }
}

fn plus_minutes(at: Timestamp, minutes: i64) -> Timestamp {
    at.checked_add(Span::new().minutes(minutes)).unwrap_or(at)
}

fn one_coe(rng: &mut Rng, index: usize, days: i64, today: Date, config: &Config) -> Coe {
    let service = rng.weighted(SERVICES);
    let category = rng.weighted(CATEGORIES);
    let scenario = rng.pick(category.scenarios);

    // When: a day in the window, more of them lately (as the organisation grows), a minute
    // of that day, and the times after it. Most incidents are caught by alarms within
    // minutes; some wait for a customer's report.
    let age = {
        let a = rng.below(days as usize) as i64;
        let b = rng.below(days as usize) as i64;
        if rng.chance(0.4) {
            a
        } else {
            a.min(b)
        }
    };
    let day = add_days(today, -age - 1);
    let started_at = day
        .at(rng.range(0, 23) as i8, rng.range(0, 59) as i8, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let (lo, hi) = *rng.weighted(&[((1, 5), 5), ((6, 30), 4), ((31, 180), 1)]);
    let to_detect = rng.range(lo, hi);
    let to_escalate = to_detect + rng.range(2, 15);
    let to_mitigate = to_escalate + rng.range(8, 200);
    let to_find = (to_escalate + to_mitigate) / 2;
    let to_resolve = to_mitigate + rng.range(0, 300);
    let at = |minutes: i64| Stamp::from(plus_minutes(started_at, minutes));
    let started = at(0);
    let (detected, mitigated, resolved) = (at(to_detect), at(to_mitigate), at(to_resolve));

    let vars: Vec<(&str, String)> = vec![
        ("Service", service.display.to_string()),
        ("service", service.name.to_string()),
        ("task", service.task.to_string()),
        ("dependency", rng.pick_str(service.dependencies).to_string()),
        ("component", rng.pick_str(service.components).to_string()),
        ("thing", rng.pick_str(THINGS).to_string()),
        ("setting", rng.pick_str(SETTINGS).to_string()),
        (
            "release",
            format!("{}.{}", started.date().year(), rng.range(1, 52)),
        ),
        ("change", rng.range(1000, 9999).to_string()),
        ("n", rng.range(3, 14).to_string()),
    ];
    let f = |t: &str| fill(t, &vars);

    let severity = rng
        .weighted(&[("SEV1", 4), ("SEV2", 26), ("SEV3", 50), ("SEV4", 20)])
        .to_string();
    // Customers affected: log-uniform from tens to a few hundred thousand.
    let customers_affected = 10u64.pow(rng.range(1, 4) as u32) * rng.range(12, 95) as u64 / 10;
    let title = f(scenario.title);
    let id = format!("{}-{}", started.date(), slugify(&title));
    let n_tags = rng.range(1, 3) as usize;
    let tags: Vec<String> = rng
        .some(
            &[
                category.name,
                "customer-facing",
                "on-call",
                "regional",
                "weekend",
                "campaign",
            ],
            n_tags,
        )
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    let mut services = vec![service.name.to_string()];
    if rng.chance(0.35) {
        let other = rng.weighted(SERVICES).name.to_string();
        if other != services[0] {
            services.push(other);
        }
    }

    // 1. What happened.
    let trigger = f(scenario.trigger);
    let summary = wrap(&format!(
        "{trigger} From {} UTC customers could not {} reliably; at the worst point {}% of requests to {} failed or timed out. The team {} at {} UTC, and the incident was resolved at {} UTC.",
        hhmm(&started),
        service.task,
        rng.range(4, 95),
        service.name,
        f(scenario.fix),
        hhmm(&mitigated),
        hhmm(&resolved),
    ));
    let first_sentence = trigger.split(". ").next().unwrap_or(&trigger);
    let timeline = vec![
        TimelineEntry {
            at: started.clone(),
            event: first_sentence.trim_end_matches('.').to_string(),
        },
        TimelineEntry {
            at: detected.clone(),
            event: f(rng.pick_str(DETECTIONS)),
        },
        TimelineEntry {
            at: at(to_escalate),
            event: f(rng.pick_str(ESCALATIONS)),
        },
        TimelineEntry {
            at: at(to_find),
            event: f(scenario.found),
        },
        TimelineEntry {
            at: mitigated.clone(),
            event: f(scenario.fixed),
        },
        TimelineEntry {
            at: resolved.clone(),
            event: rng.pick_str(RESOLUTIONS).to_string(),
        },
    ];

    // 2. Impact, customers first.
    let customers = wrap(&format!(
        "For {to_mitigate} minutes about {} customers could not {}. {}",
        thousands(customers_affected),
        service.task,
        rng.pick_str(CUSTOMER_DETAIL),
    ));
    let lost_orders = customers_affected / rng.range(3, 12) as u64 + 1;
    let business = wrap(&format!(
        "About {} orders were lost or delayed, roughly ${} of revenue, and support handled {} contacts. {}",
        thousands(lost_orders),
        thousands(lost_orders * rng.range(30, 150) as u64),
        thousands(customers_affected / rng.range(10, 60) as u64 + 3),
        rng.pick_str(BUSINESS_DETAIL),
    ));
    let remediation = wrap(rng.pick_str(REMEDIATIONS));

    // 3. Root cause: the scenario's chain of whys, cut at 3 to 5.
    let n_whys = rng.range(3, scenario.whys.len() as i64) as usize;
    let mut whys: Vec<String> = scenario.whys[..n_whys].iter().map(|w| f(w)).collect();
    let mut root_summary = wrap(&f(scenario.root));
    if rng.chance(0.03) {
        // Now and then someone writes blame where a cause belongs; `coe check` flags it.
        let phrase = rng.pick_str(BLAME);
        if rng.chance(0.5) {
            root_summary = wrap(&format!("{phrase} {}", f(scenario.root)));
        } else {
            whys.insert(1, phrase.to_string());
        }
    }

    // 4. Data.
    let slug = &id[11..];
    let all_data = [
        DataPoint {
            description: format!(
                "{} error rate and latency, {}-{} UTC",
                service.display,
                hhmm(&started),
                hhmm(&resolved)
            ),
            link: Some(format!(
                "https://grafana.example.com/d/{}?from={}",
                service.name,
                started.as_str()
            )),
        },
        DataPoint {
            description: f("Logs of the {component} during the incident"),
            link: Some(format!("https://logs.example.com/{}/{slug}", service.name)),
        },
        DataPoint {
            description: "Incident channel transcript and pager log".to_string(),
            link: Some(format!(
                "https://pager.example.com/incidents/PD-{}",
                40000 + index
            )),
        },
    ];
    let data = all_data[..rng.range(1, 3) as usize].to_vec();

    // 5, 6.
    let security = if category.name == "security" {
        wrap(SECURITY_REAL)
    } else {
        wrap(rng.pick_str(SECURITY_NONE))
    };
    let other = if rng.chance(0.3) {
        wrap(&f("The same pattern exists in other services that use a {component}; they were checked as part of the corrective actions."))
    } else {
        String::new()
    };
    let n_lessons = rng.range(1, 3) as usize;
    let lessons: Vec<String> = rng
        .some(category.lessons, n_lessons)
        .into_iter()
        .map(|l| f(l))
        .collect();

    // 7. Corrective actions, due 2 to 8 weeks after the incident: most of those due in the
    // past are done, some are overdue, a few were dropped.
    let n_actions = rng.range(2, 4) as usize;
    let corrective_actions: Vec<CorrectiveAction> = rng
        .some(category.actions, n_actions)
        .into_iter()
        .enumerate()
        .map(|(i, (action, kind))| {
            let start = started.date();
            let due = add_days(start, rng.range(14, 56));
            // Actions long past due were almost all closed out one way or the other.
            let open_percent = if (today - due).get_days() > 90 { 2 } else { 15 };
            let (status, done) = if due < today {
                match rng.below(100) {
                    n if n < open_percent => (ActionStatus::Open, None),
                    n if n < 92 => (
                        ActionStatus::Done,
                        Some(add_days(due, -rng.range(0, 10)).max(start)),
                    ),
                    _ => (ActionStatus::Wontfix, None),
                }
            } else if rng.chance(0.25) {
                let since = (today - start).get_days().max(1);
                (
                    ActionStatus::Done,
                    Some(add_days(start, rng.range(1, i64::from(since))).min(today)),
                )
            } else {
                (ActionStatus::Open, None)
            };
            let project = service.name.to_ascii_uppercase().replace('-', "");
            CorrectiveAction {
                id: format!("CA-{}", i + 1),
                action: f(action),
                kind: Some(*kind),
                owner: format!("team-{}", service.name),
                due: Some(due),
                status,
                done,
                reason: None,
                link: rng.chance(0.7).then(|| {
                    format!(
                        "https://jira.example.com/{project}-{}",
                        rng.range(100, 9999)
                    )
                }),
            }
        })
        .collect();

    let leader = format!("{} {}", rng.pick_str(FIRST_NAMES), rng.pick_str(LAST_NAMES));
    let mut coe = Coe {
        version: FORMAT_VERSION,
        id,
        title,
        status: Status::Closed,
        severity,
        leader,
        incident_ref: Some(format!("PD-{}", 40000 + index)),
        services,
        tags,
        incident: Incident {
            started,
            detected: Some(detected),
            mitigated: Some(mitigated),
            resolved: Some(resolved),
        },
        what_happened: WhatHappened { summary, timeline },
        impact: Impact {
            customers,
            customers_affected: Some(customers_affected),
            business,
            remediation,
        },
        root_cause: RootCause {
            summary: root_summary,
            category: category.name.to_string(),
            whys,
        },
        data,
        implications: Implications { security, other },
        lessons,
        corrective_actions,
        contributing_factors: Vec::new(),
        review: Default::default(),
    };

    // Where the COE is: recent incidents are often still drafts or in review; old ones are
    // mostly closed, with a few drafts left behind past due.
    let recent = age < i64::from(config.due_days.for_severity(&coe.severity));
    coe.status = match (recent, rng.below(100)) {
        (true, 0..=44) | (false, 0..=3) => Status::Draft,
        (true, 45..=79) | (false, 4..=11) => Status::Review,
        _ => Status::Closed,
    };
    if coe.status == Status::Draft {
        // The interview stopped before question `stopped_at`; a pager-webhook skeleton
        // (`coe new --no-input`) has nothing past the metadata.
        let stopped_at = if rng.chance(0.15) { 1 } else { rng.range(2, 7) };
        truncate_answers(&mut coe, stopped_at);
        if stopped_at == 1 {
            coe.incident.resolved = None;
        }
    }
    coe
}

/// Clears the answers from question `from` on, as a draft whose interview stopped there.
fn truncate_answers(coe: &mut Coe, from: i64) {
    if from <= 1 {
        coe.what_happened = WhatHappened::default();
    }
    if from <= 2 {
        coe.impact = Impact::default();
    }
    if from <= 3 {
        coe.root_cause = RootCause::default();
    }
    if from <= 4 {
        coe.data.clear();
    }
    if from <= 5 {
        coe.implications = Implications::default();
    }
    if from <= 6 {
        coe.lessons.clear();
    }
    // Question 7 is where most drafts stop: actions named but not yet owned or dated.
    for ca in &mut coe.corrective_actions {
        ca.owner.clear();
        ca.due = None;
        ca.status = ActionStatus::Open;
        ca.done = None;
    }
    if from <= 6 {
        coe.corrective_actions.truncate(1);
    }
    if from <= 2 {
        coe.corrective_actions.clear();
    }
}

fn hhmm(s: &Stamp) -> String {
    s.as_str().get(11..16).unwrap_or("00:00").to_string()
}

/// 12345 -> "12,345".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(count: usize, seed: u64) -> Args {
        Args {
            count,
            seed,
            out: PathBuf::new(),
            today: "2026-11-25".parse().unwrap(),
            days: None,
            no_git: true,
            repos: None,
        }
    }

    #[test]
    fn repos_writes_that_many_repositories_each_from_its_own_seed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("org");
        let many = Args {
            out: out.clone(),
            repos: Some(2),
            ..args(20, 5)
        };
        run(&many).unwrap();
        let files = |team: &str| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(out.join(team).join("coes"))
                .unwrap()
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect();
            names.sort();
            names
        };
        assert_eq!(files("team-01").len(), 20);
        assert_eq!(files("team-02").len(), 20);
        assert_ne!(files("team-01"), files("team-02"));
        assert!(!out.join("team-03").exists());
    }

    #[test]
    fn same_seed_same_repository_and_different_seed_differs() {
        let config = Config::default();
        let yaml = |seed| -> Vec<String> {
            generate(&args(200, seed), &config)
                .iter()
                .map(coe::store::format::to_yaml)
                .collect()
        };
        assert_eq!(yaml(7), yaml(7));
        assert_ne!(yaml(7), yaml(8));
    }

    #[test]
    fn every_generated_coe_is_valid_and_the_mix_is_realistic() {
        let config = Config::default();
        let today: Date = "2026-11-25".parse().unwrap();
        let coes = generate(&args(2000, 42), &config);
        let mut ids = HashSet::new();
        let mut bytes = 0;
        for coe in &coes {
            assert!(ids.insert(coe.id.clone()), "duplicate id {}", coe.id);
            assert_eq!(coe::model::ids::id_problem(&coe.id), None);
            let text = coe::store::format::to_yaml(coe);
            bytes += text.len();
            let back =
                coe::store::format::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", coe.id));
            assert_eq!(&back, coe);
            assert_eq!(coe::store::format::to_yaml(&back), text, "{}", coe.id);
            assert!(config.severities.contains(&coe.severity));
            assert!(coe.incident.started.date() < today);
            let times: Vec<_> = [
                &coe.incident.detected,
                &coe.incident.mitigated,
                &coe.incident.resolved,
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut last = coe.incident.started.at();
            for t in times {
                assert!(t.at() >= last, "{}: incident times out of order", coe.id);
                last = t.at();
            }
            assert!(
                coe.what_happened
                    .timeline
                    .windows(2)
                    .all(|w| w[0].at.at() <= w[1].at.at()),
                "{}: timeline out of order",
                coe.id
            );
            if coe.status != Status::Draft {
                assert!(
                    coe.is_complete(&config),
                    "{}: {:?}",
                    coe.id,
                    coe.missing(&config)
                );
                assert!(config.categories.contains(&coe.root_cause.category));
            } else {
                assert!(!coe.is_complete(&config), "{}", coe.id);
            }
            for ca in &coe.corrective_actions {
                assert_eq!(
                    ca.status == ActionStatus::Done,
                    ca.done.is_some(),
                    "{}",
                    coe.id
                );
                if let Some(done) = ca.done {
                    assert!(
                        done <= today && done >= coe.incident.started.date(),
                        "{}",
                        coe.id
                    );
                }
            }
        }
        let avg = bytes / coes.len();
        assert!(
            (3000..=5500).contains(&avg),
            "average file size {avg} bytes"
        );
        let count = |f: &dyn Fn(&Coe) -> bool| coes.iter().filter(|c| f(c)).count();
        let drafts = count(&|c| c.status == Status::Draft);
        let closed = count(&|c| c.status == Status::Closed);
        let overdue_drafts = count(&|c| {
            c.status == Status::Draft && add_days(c.incident.started.date(), 14) < today
        });
        let config = coe::model::policy::Config::default();
        let with_overdue = count(&|c| {
            c.corrective_actions
                .iter()
                .any(|ca| c.action_days_overdue(ca, &config, today).is_some())
        });
        let blamed = count(&|c| {
            let text = coe::store::format::to_yaml(c).to_lowercase();
            config.blame_terms.iter().any(|t| text.contains(t.as_str()))
        });
        assert!(closed > coes.len() / 2, "{closed} closed");
        assert!(drafts > coes.len() / 50, "{drafts} drafts");
        assert!(overdue_drafts > 0, "no draft past due");
        assert!(
            with_overdue > coes.len() / 20,
            "{with_overdue} with overdue actions"
        );
        assert!(
            (coes.len() / 100..coes.len() / 10).contains(&blamed),
            "{blamed} with blame language"
        );
    }

    #[test]
    fn the_prng_is_uniform_enough() {
        let mut rng = Rng(1);
        let mut buckets = [0usize; 10];
        for _ in 0..100_000 {
            buckets[rng.below(10)] += 1;
        }
        assert!(
            buckets.iter().all(|&b| (9_000..11_000).contains(&b)),
            "{buckets:?}"
        );
    }
}
