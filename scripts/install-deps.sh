#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and `make demo` use, on a bare Debian machine that has only the
# .NET SDK. Idempotent: installs only what is missing, and runs `apt-get update` only then. Run as root or via sudo.
#   make            the build entry points (Makefile)
#   procps          ps and kill: the end-to-end tests signal `batchgen` child processes (kill -INT/-TERM)
#   chromium        headless browser test of the contact sheet; fonts-liberation gives it fonts to render with
#   sqlite3         inspecting ledgers by hand (README, docs)
#   ffmpeg          ffmpeg/ffprobe: tests and tools that decode the generated videos, the review app's video checks
#   tzdata          time zones for {date} batches and `timezone:` (tests use Europe/Paris and Asia/Tokyo)
#   systemd         systemd-analyze verifies deploy/systemd (optional: the test says why it skips without it)
#   postgresql      PostgreSQL 15 server binaries (initdb, pg_ctl): the tests start their own throwaway cluster
#   nodejs, npm     run s3rver, the S3-compatible server the object-storage tests start on 127.0.0.1
set -euo pipefail

# package -> a file it installs (present = installed)
declare -A provides=(
  [make]=/usr/bin/make
  [procps]=/usr/bin/ps
  [chromium]=/usr/bin/chromium
  [fonts-liberation]=/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf
  [sqlite3]=/usr/bin/sqlite3
  [ffmpeg]=/usr/bin/ffprobe
  [tzdata]=/usr/share/zoneinfo/Europe/Paris
  [postgresql]=/usr/lib/postgresql/15/bin/initdb
  [nodejs]=/usr/bin/node
  [npm]=/usr/bin/npm
)

need=()
for pkg in make procps chromium fonts-liberation sqlite3 ffmpeg tzdata postgresql nodejs npm; do
  if [ ! -e "${provides[$pkg]}" ] && ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    need+=("$pkg")
  fi
done

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  echo "install-deps: installing ${need[*]}"
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
else
  echo "install-deps: everything is installed"
fi

# systemd only gives the deploy/ unit test its verifier; a machine where it does not install still runs every other test.
if ! command -v systemd-analyze >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q --no-install-recommends systemd \
    || { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends systemd; } \
    || echo "install-deps: systemd did not install; the deploy/ unit check will say it is skipped" >&2
fi

# s3rver (pinned) into .tools/s3rver, where the tests look for it; npm talks only to the configured registry.
s3rver_dir="$(cd "$(dirname "$0")/.." && pwd)/.tools/s3rver"
if [ ! -x "$s3rver_dir/node_modules/.bin/s3rver" ]; then
  echo "install-deps: installing s3rver 3.7.1 into .tools/s3rver"
  mkdir -p "$s3rver_dir"
  npm install --prefix "$s3rver_dir" --no-audit --no-fund --loglevel=error s3rver@3.7.1
fi

command -v dotnet >/dev/null 2>&1 || { echo "install-deps: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
