#!/usr/bin/env bash
# Closing line of `make test`: sums the counters of every TRX file under a directory into
# "Tests: N passed, N failed, N skipped", printed last whatever happened (failures, a crashed test host, a failed
# build). Exits non-zero when anything failed, a test project left no results or crashed, or `dotnet test` itself
# failed (its exit status is the optional second argument).
set -uo pipefail
dir=${1:-artifacts/test-results}
dotnet_status=${2:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
passed=0; failed=0; total=0; executed=0; broken=0
shopt -s nullglob
files=("$dir"/*.trx)

counter() { # counter NAME LINE -> the number, 0 when absent
  local value
  value=$(grep -o "$1=\"[0-9]*\"" <<<"$2" | head -1 | grep -o '[0-9]*')
  echo "${value:-0}"
}

declare -A seen=()
for f in "${files[@]}"; do
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  total=$((total + $(counter total "$line"))); executed=$((executed + $(counter executed "$line")))
  passed=$((passed + $(counter passed "$line"))); failed=$((failed + $(counter failed "$line")))
  project=$(grep -o 'storage="[^"]*"' "$f" | head -1 | sed -E 's/.*\/([^/]*)\.dll".*/\1/')
  [ -n "$project" ] && seen[${project,,}]=1 # TRX storage paths are lower-cased
  if grep -qiE 'test run was aborted|host process crashed|test run was canceled' "$f"; then
    echo "test-summary: ${project:-$(basename "$f")}: the test host crashed or was aborted (counted as 1 failed; see above)"
    broken=$((broken + 1))
  fi
done

for csproj in "$root"/tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$csproj" || continue
  name=$(basename "$csproj" .csproj)
  if [ -z "${seen[${name,,}]:-}" ]; then
    echo "test-summary: $name: no results (it did not build, or its test host crashed before reporting; counted as 1 failed)"
    broken=$((broken + 1))
  fi
done

failed=$((failed + broken))
skipped=$((total - executed))
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test-summary: dotnet test exited with $dotnet_status although no test failed (see its output above)"
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$dotnet_status" -eq 0 ]
