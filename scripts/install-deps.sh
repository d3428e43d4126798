#!/usr/bin/env bash
# Installs the system packages the tests need (idempotent). Run as root, or through sudo.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# ffprobe/ffmpeg: the video tests decode every simulated provider's output in full.
{ command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; } || need+=(ffmpeg)
# Time zones for {date}/timezone: (tests use Europe/Paris and Asia/Tokyo); systemd-analyze verifies deploy/systemd.
[ -e /usr/share/zoneinfo/Europe/Paris ] || need+=(tzdata)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)

if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

command -v dotnet >/dev/null 2>&1 || { echo "install-deps: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
