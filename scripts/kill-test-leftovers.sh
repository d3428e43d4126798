#!/usr/bin/env bash
# Safety net after `make test`: stops any batchgen or chromium process that this test run started and that is still
# running (the tests kill their children themselves; this catches a crashed or timed-out test host). A process belongs
# to the run when its environment holds BATCHGEN_TEST_RUN=<id>, which `make test` sets and every child inherits.
set -uo pipefail
id=${1:?usage: kill-test-leftovers.sh RUN_ID}
killed=0
for environ in /proc/[0-9]*/environ; do
  pid=${environ#/proc/}; pid=${pid%/environ}
  [ "$pid" = "$$" ] && continue
  { tr "\\0" "\\n" < "$environ"; } 2>/dev/null | grep -qx "BATCHGEN_TEST_RUN=$id" || continue
  args=$({ tr "\\0" " " < "/proc/$pid/cmdline"; } 2>/dev/null)
  case "$args" in
    *batchgen*|*chromium*)
      kill -KILL "$pid" 2>/dev/null && { killed=$((killed + 1)); echo "test-leftovers: killed $pid: ${args:0:120}"; } ;;
  esac
done
[ "$killed" -eq 0 ] || echo "test-leftovers: $killed process(es) outlived their test (see above)"
exit 0
