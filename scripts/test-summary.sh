#!/usr/bin/env bash
# Sums the counters of every TRX file under a directory into one closing line: "N passed, N failed, N skipped".
set -euo pipefail
dir=${1:-artifacts/test-results}
passed=0; failed=0; total=0; executed=0
shopt -s nullglob
files=("$dir"/*.trx)
if [ ${#files[@]} -eq 0 ]; then echo "test-summary: no TRX files in $dir" >&2; exit 1; fi
for f in "${files[@]}"; do
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  get() { echo "$line" | grep -o "$1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(get total))); executed=$((executed + $(get executed)))
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
done
skipped=$((total - executed))
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
