#!/usr/bin/env bash
# Fuzzes the COE loader for a bounded time (default 60 s): `scripts/fuzz.sh [SECONDS]`.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain it runs with
# RUSTC_BOOTSTRAP=1, as cargo fuzz needs nightly-only sanitizer flags.
# A crash is saved under fuzz/artifacts/load_coe/: turn it into a regression test in
# tests/cli/bad_input.rs (or the format unit tests) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
mkdir -p fuzz/corpus/load_coe
cp -n fuzz/seeds/load_coe/* fuzz/corpus/load_coe/ 2>/dev/null || true
RUSTC_BOOTSTRAP=1 cargo fuzz run load_coe fuzz/corpus/load_coe -- -max_total_time="$seconds" -max_len=65536
