#!/usr/bin/env bash
# The composite action's install step (action.yml): puts the release binary of the
# action's own version on PATH, after checking its SHA-256 sum. When the release has no
# archive for this runner (an unreleased commit, a platform without a build), it says so
# and sets `installed=false`, and the action's next steps build it with
# `cargo install --locked` (cached). A checksum that does not match, or a download that
# fails for any other reason, fails the step: a binary is never run unverified.
#
# Environment: COE_ACTION_PATH (the action's checkout), RUNNER_OS / RUNNER_ARCH (set by
# the runner), RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT; COE_RELEASE_URL overrides where
# the archives are (default: the `repository` of Cargo.toml, releases of tag v<version>).
set -euo pipefail

manifest="$COE_ACTION_PATH/Cargo.toml"
field() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" "$manifest" | head -n 1; }
version=$(field version)
repository=$(field repository)
base=${COE_RELEASE_URL:-$repository/releases/download/v$version}

case "${RUNNER_OS:-}-${RUNNER_ARCH:-}" in
  Linux-X64) target=x86_64-unknown-linux-musl ;;
  Linux-ARM64) target=aarch64-unknown-linux-musl ;;
  macOS-X64) target=x86_64-apple-darwin ;;
  macOS-ARM64) target=aarch64-apple-darwin ;;
  Windows-X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
echo "cache-key=coe-cargo-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$version-$(cksum < "$COE_ACTION_PATH/Cargo.lock" | cut -d' ' -f1)" >> "$GITHUB_OUTPUT"

fallback() {
  echo "::notice title=coe::$1; building coe $version with cargo install --locked instead"
  echo "installed=false" >> "$GITHUB_OUTPUT"
  exit 0
}
[ -n "$target" ] || fallback "no coe release is built for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"

archive="coe-v$version-$target.tar.gz"
dir="${RUNNER_TEMP:-/tmp}/coe-release"
mkdir -p "$dir/bin"

# Fetches URL to FILE; returns 3 when the server (or the directory) has no such file.
fetch() {
  local code status=0
  code=$(curl --silent --show-error --location --retry 3 --output "$2" --write-out '%{http_code}' "$1") || status=$?
  case "$status:$code" in
    0:200 | 0:000) return 0 ;; # 000: a file:// URL
    *:404 | 37:*) return 3 ;;
    *) echo "::error title=coe::downloading $1 failed (curl exit $status, HTTP $code)"; return 1 ;;
  esac
}
status=0
fetch "$base/$archive" "$dir/$archive" || status=$?
[ "$status" -ne 3 ] || fallback "the release v$version has no $archive"
[ "$status" -eq 0 ] || exit 1
status=0
fetch "$base/$archive.sha256" "$dir/$archive.sha256" || status=$?
if [ "$status" -ne 0 ]; then
  echo "::error title=coe::$base/$archive has no $archive.sha256; refusing an unverified binary"
  exit 1
fi

expected=$(cut -d' ' -f1 < "$dir/$archive.sha256" | tr 'A-F' 'a-f')
if command -v sha256sum > /dev/null; then
  actual=$(sha256sum "$dir/$archive" | cut -d' ' -f1)
else
  actual=$(shasum -a 256 "$dir/$archive" | cut -d' ' -f1)
fi
if [ "$expected" != "$actual" ]; then
  echo "::error title=coe::checksum mismatch for $archive: the release says $expected, the download is $actual"
  exit 1
fi
tar -xzf "$dir/$archive" -C "$dir/bin"
echo "$dir/bin" >> "$GITHUB_PATH"
echo "installed=true" >> "$GITHUB_OUTPUT"
echo "coe $version ($target) installed from $base/$archive, SHA-256 $actual"
