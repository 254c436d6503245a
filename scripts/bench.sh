#!/usr/bin/env bash
# Benchmarks coe on generated COE repositories; BENCHMARKS.md explains the method and the
# targets and records results.
#
#   scripts/bench.sh                  # release build; 1,000 and 10,000 COEs; 10 runs each
#   scripts/bench.sh --smoke          # debug build; 50 COEs; 1 run each (CI: it all works)
#   scripts/bench.sh --sizes 10000 --runs 20
#   BENCH_COMMANDS="list report" scripts/bench.sh   # time only these read commands
#   scripts/bench.sh --sizes 10000 --repos 10       # and 10 repositories of 10,000 (--repo)
#
# Wall time is the median of the runs: hyperfine when it is installed, else a loop of
# `date +%s%N`. Peak memory (RSS) comes from GNU time (`/usr/bin/time -f %M`). Every
# command is first run once on its own and the script stops, loudly, when its exit status
# is not one it accepts (`coe check` exits 1 when it finds problems, which generated
# repositories have on purpose).
set -euo pipefail

usage() {
  sed -n '2,15s/^# \{0,1\}//p' "$0"
}

smoke=0
sizes="1000 10000"
runs=10
repos=0
big_runs=3
# The read commands timed against the floors, in this order. Explicit on purpose: a
# command that fails stops the script.
commands=${BENCH_COMMANDS-"check list report actions"}
while [[ $# -gt 0 ]]; do
  case $1 in
    --smoke) smoke=1 ;;
    --sizes) sizes=${2:?--sizes needs a value, e.g. \"1000 10000\"}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --repos) repos=${2:?--repos needs a number}; shift ;;
    --big-runs) big_runs=${2:?--big-runs needs a number}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument \`$1\`" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [[ $smoke == 1 ]]; then
  sizes=50
  runs=1
  repos=2
  big_runs=1
fi

cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
if [[ $smoke == 1 ]]; then
  # Timings mean nothing at this size; the debug build is already there after `cargo test`.
  cargo build --quiet --locked --bin coe --example generate --example load
  bin_dir=$target_dir/debug
else
  cargo build --quiet --locked --release --bin coe --example generate --example load
  bin_dir=$target_dir/release
fi
coe=$(cd "$bin_dir" && pwd)/coe
generate=$(cd "$bin_dir" && pwd)/examples/generate
load=$(cd "$bin_dir" && pwd)/examples/load

have_hyperfine=0
if command -v hyperfine >/dev/null && [[ $smoke == 0 ]]; then
  have_hyperfine=1
fi
time_bin=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M true >/dev/null 2>&1; then
  time_bin=/usr/bin/time
fi
if [[ $smoke == 0 ]]; then
  [[ $have_hyperfine == 1 ]] || echo "note: hyperfine not found (apt-get install hyperfine); timing with a shell loop." >&2
  [[ -n $time_bin ]] || echo "note: GNU time not found (apt-get install time); peak memory is not measured." >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/coe-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A fixed day (reports and checks depend on it) and a commit identity, for every command.
# The parse cache lives in the work directory: `cold` runs empty it first.
export COE_TODAY=2026-11-25 NO_COLOR=1 XDG_CACHE_HOME=$work/cache
export GIT_AUTHOR_NAME="coe bench" GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME="coe bench" GIT_COMMITTER_EMAIL=bench@example.com

# Milliseconds, from seconds.
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "-"; else if (a / b < 1) printf "%.2fx", a / b; else printf "%.1fx", a / b }'; }

# measure NAME ACCEPTED_STATUSES COMMAND...
# Runs COMMAND once, checking its exit status (and measuring peak RSS), then times it.
# Sets $median (seconds) and $rss (KB, or empty). With $prepare set (a shell command), it
# runs before every run, untimed: `cold` runs empty the parse cache that way.
prepare=
measure() {
  local name=$1 accepted=$2
  shift 2
  local status=0
  rss=
  [[ -z $prepare ]] || bash -c "$prepare"
  if [[ -n $time_bin ]]; then
    "$time_bin" -f %M -o "$work/rss" "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
    rss=$(tail -n 1 "$work/rss")
  else
    "$@" >"$work/stdout" 2>"$work/stderr" || status=$?
  fi
  if [[ " $accepted " != *" $status "* ]]; then
    echo "error: \`$name\` exited with status $status (expected $accepted):" >&2
    sed 's/^/  /' "$work/stderr" >&2
    exit 1
  fi
  if [[ $have_hyperfine == 1 ]]; then
    local cmd
    cmd=$(printf '%q ' "$@")
    local prep=()
    [[ -z $prepare ]] || prep=(--prepare "$prepare")
    hyperfine --shell=none --ignore-failure --warmup 2 --runs "$runs" --style basic \
      "${prep[@]}" --command-name "$name" --export-json "$work/hyperfine.json" -- "$cmd" >&2
    median=$(grep -m 1 -o '"median": *[0-9.e+-]*' "$work/hyperfine.json" | sed 's/.*: *//')
  else
    local i start end
    : >"$work/times"
    for ((i = 0; i < runs; i++)); do
      [[ -z $prepare ]] || bash -c "$prepare"
      start=$(date +%s%N)
      "$@" >/dev/null 2>&1 || true
      end=$(date +%s%N)
      echo $(((end - start) / 1000)) >>"$work/times"
    done
    median=$(sort -n "$work/times" | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.6f", m / 1e6 }')
  fi
}

row() { # NAME MEDIAN RSS FLOOR_CAT FLOOR_LOAD
  local mem="-"
  [[ -n $3 ]] && mem=$(awk -v k="$3" 'BEGIN { printf "%.1f MB", k / 1024 }')
  printf '| %s | %s ms | %s | %s | %s |\n' "$1" "$(ms "$2")" "$mem" "$(ratio "$2" "$4")" "$(ratio "$2" "$5")"
}

declare -A results_wall results_rss results_cold
largest=
for n in $sizes; do
  repo=$work/coe-$n
  echo "Generating $n COEs..." >&2
  "$generate" --count "$n" --seed 42 --out "$repo" >&2
  files=("$repo"/coes/*.yaml)
  first_id=$(basename "${files[0]}" .yaml)
  bytes=$(cat "$repo"/coes/*.yaml | wc -c)

  echo
  echo "## $n COEs ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'))"
  echo
  echo "| command | wall (median of $runs) | peak RSS | vs cat | vs load |"
  echo "| --- | ---: | ---: | ---: | ---: |"

  measure "cat coes/*.yaml" 0 bash -c 'cat "$1"/coes/*.yaml >/dev/null' _ "$repo"
  cat_floor=$median
  row "\`cat coes/*.yaml\` (read floor)" "$median" "$rss" "$cat_floor" ""
  measure "load (read + parse)" 0 "$load" "$repo"
  load_floor=$median
  row "load: list, read, parse (examples/load.rs)" "$median" "$rss" "$cat_floor" "$load_floor"
  for command in $commands; do
    accepted=0
    [[ $command == check ]] && accepted="0 1"
    if [[ $command == check ]]; then
      # `coe check` reads every file's text (its findings carry lines): no parse cache.
      measure "coe $command" "$accepted" "$coe" -C "$repo" "$command"
      row "\`coe $command\`" "$median" "$rss" "$cat_floor" "$load_floor"
    else
      prepare="rm -rf '$XDG_CACHE_HOME'"
      measure "coe $command (cold)" "$accepted" "$coe" -C "$repo" "$command"
      prepare=
      row "\`coe $command\`, cold cache" "$median" "$rss" "$cat_floor" "$load_floor"
      results_cold[$command]=$median
      measure "coe $command (warm)" "$accepted" "$coe" -C "$repo" "$command"
      row "\`coe $command\`, warm cache" "$median" "$rss" "$cat_floor" "$load_floor"
    fi
    results_wall[$command]=$median
    results_rss[$command]=$rss
  done
  measure "coe show" 0 "$coe" -C "$repo" show "$first_id"
  row "\`coe show ID\`" "$median" "$rss" "$cat_floor" "$load_floor"
  largest=$n
  largest_load=$load_floor
done

# $repos repositories of the largest size, read from bare mirrors with --repo: what a
# director runs. Fewer runs (--big-runs): a cold run parses everything.
declare -A org_wall org_rss org_cold
if [[ $repos -gt 0 ]]; then
  org=$work/org
  echo "Generating $repos repositories of $largest COEs..." >&2
  "$generate" --repos "$repos" --count "$largest" --seed 42 --out "$org" >&2
  repo_args=()
  for team in "$org"/team-*; do
    [[ $team == *.git ]] && continue
    # A mirror as a server keeps it: objects packed (--no-local copies instead of linking).
    git clone -q --bare --no-local "$team" "$team.git"
    repo_args+=(--repo "$team.git")
    # Only the mirrors are read; one work tree is kept for the floors (disk space).
    [[ $team == "$org/team-01" ]] || rm -rf "$team"
  done
  org_total=$((repos * largest))
  saved_runs=$runs
  runs=$big_runs
  echo
  echo "## $org_total COEs in $repos repositories (bare mirrors, \`--repo\`)"
  echo
  echo "The floors are one repository's (team-01's work tree) times $repos."
  echo
  echo "| command | wall (median of $runs) | peak RSS | vs cat | vs load |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  measure "cat (one repository)" 0 bash -c 'cat "$1"/coes/*.yaml >/dev/null' _ "$org/team-01"
  org_cat=$(awk -v m="$median" -v n="$repos" 'BEGIN { printf "%.6f", m * n }')
  row "\`cat coes/*.yaml\` (read floor) x $repos" "$org_cat" "" "$org_cat" ""
  measure "load (one repository)" 0 "$load" "$org/team-01"
  org_load=$(awk -v m="$median" -v n="$repos" 'BEGIN { printf "%.6f", m * n }')
  row "load: list, read, parse (examples/load.rs) x $repos" "$org_load" "" "$org_cat" "$org_load"
  for command in report list actions; do
    prepare="rm -rf '$XDG_CACHE_HOME'"
    measure "coe $command --repo x$repos (cold)" 0 "$coe" -C "$org" "$command" "${repo_args[@]}"
    prepare=
    org_cold[$command]=$median
    org_rss[$command]=$rss
    row "\`coe $command --repo ...\`, cold cache" "$median" "$rss" "$org_cat" "$org_load"
    measure "coe $command --repo x$repos (warm)" 0 "$coe" -C "$org" "$command" "${repo_args[@]}"
    org_wall[$command]=$median
    [[ -z $rss || $rss -le ${org_rss[$command]:-0} ]] || org_rss[$command]=$rss
    row "\`coe $command --repo ...\`, warm cache" "$median" "$rss" "$org_cat" "$org_load"
  done
  runs=$saved_runs
fi

# `coe new --no-input` writes and commits one file: timed in a fresh `coe init` repository
# (0 COEs) and in each generated one, against git doing the same commit by hand
# (`git add F && git commit -m x`, through bash to name a new file each run). Each run adds a
# COE (ids get -2, -3, ...) or a file.
empty=$work/coe-0
mkdir -p "$empty"
git -C "$empty" init -q
"$coe" -C "$empty" -q init
new_args=(-q new --no-input --title "Bench incident" --severity SEV3 --started 2026-11-20T10:00:00Z)
git_commit='cd "$1" && f=coes/git-$(date +%s%N).yaml && echo "title: x" >"$f" && git add "$f" && git commit -q -m x'
declare -A commit_wall
echo
echo "## One commit: \`coe new --no-input\` against \`git add F && git commit -m x\`"
echo
echo "| COEs in the repository | \`coe new --no-input\` (median of $runs) | peak RSS | \`git add F && git commit\` | coe vs git |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for n in 0 $sizes; do
  repo=$work/coe-$n
  measure "coe new ($n COEs)" 0 "$coe" -C "$repo" "${new_args[@]}"
  new_wall=$median
  new_rss=${rss:-0}
  git -C "$repo" diff --quiet HEAD || { echo "error: coe new left the work tree dirty in $repo" >&2; exit 1; }
  git -C "$repo" fsck --strict --no-progress >&2 || { echo "error: git fsck failed after coe new in $repo" >&2; exit 1; }
  measure "git add + commit ($n COEs)" 0 bash -c "$git_commit" _ "$repo"
  printf '| %s | %s ms | %s | %s ms | %s |\n' "$n" "$(ms "$new_wall")" "$(awk -v k="$new_rss" 'BEGIN { printf "%.1f MB", k / 1024 }')" "$(ms "$median")" "$(ratio "$new_wall" "$median")"
  commit_wall[$n]=$new_wall
done
echo
echo "| command | wall (median of $runs) | peak RSS |"
echo "| --- | ---: | ---: |"
measure "coe --version" 0 "$coe" --version
version=$median
printf '| `coe --version` | %s ms | %s |\n' "$(ms "$median")" "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f MB", k / 1024 }')"

if [[ $smoke == 1 ]]; then
  echo
  echo "Smoke run: every command worked; timings at this size mean nothing." >&2
  exit 0
fi

# The targets, judged at the largest size. Reported, not enforced: a busy machine should
# not fail a build.
verdict() { if awk "BEGIN { exit !($1) }"; then echo "meets"; else echo "MISSES"; fi; }
echo
echo "## Targets at $largest COEs"
echo
echo "| target | measured | verdict |"
echo "| --- | --- | --- |"
for command in $commands; do
  wall=${results_wall[$command]}
  echo "| \`coe $command\` <= 600 ms and <= 3x load | $(ms "$wall") ms, $(ratio "$wall" "$largest_load") | $(verdict "$wall <= 0.6 && $wall <= 3 * $largest_load") |"
  if [[ -n ${results_rss[$command]} ]]; then
    rss_mb=$(awk -v k="${results_rss[$command]}" 'BEGIN { printf "%.1f", k / 1024 }')
    echo "| \`coe $command\` peak RSS <= 150 MB | $rss_mb MB | $(verdict "$rss_mb <= 150") |"
  fi
done
echo "| \`coe new --no-input\` <= 100 ms at $largest COEs | $(ms "${commit_wall[$largest]}") ms | $(verdict "${commit_wall[$largest]} <= 0.1") |"
for command in $commands; do
  [[ $command == check ]] && continue
  wall=${results_wall[$command]}
  echo "| \`coe $command\`, warm cache, <= 250 ms | $(ms "$wall") ms (cold $(ms "${results_cold[$command]}") ms) | $(verdict "$wall <= 0.25") |"
done
if [[ $repos -gt 0 ]]; then
  for command in report list actions; do
    cold=${org_cold[$command]} warm=${org_wall[$command]}
    echo "| \`coe $command\`, $org_total COEs in $repos repositories, cold <= 10 s | $(ms "$cold") ms | $(verdict "$cold <= 10") |"
    echo "| \`coe $command\`, $org_total COEs in $repos repositories, warm <= 1.5 s | $(ms "$warm") ms | $(verdict "$warm <= 1.5") |"
    if [[ -n ${org_rss[$command]} ]]; then
      rss_mb=$(awk -v k="${org_rss[$command]}" 'BEGIN { printf "%.1f", k / 1024 }')
      echo "| \`coe $command\`, $org_total COEs, peak RSS <= 1 GB | $rss_mb MB | $(verdict "$rss_mb <= 1024") |"
    fi
  done
fi
echo "| \`coe --version\` <= 5 ms | $(ms "$version") ms | $(verdict "$version <= 0.005") |"
