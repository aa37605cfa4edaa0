#!/usr/bin/env bash
# Runs CI (`.ci/run`) N times in a row, each from a fresh clone of a commit, as CI does, and prints one
# line per run: the summary line, the exit code and the wall time. A flaky test shows up as a red run.
#
#   scripts/repeat-ci.sh [RUNS=5] [COMMIT=HEAD]
#
# Each run's whole log is kept in a temp folder (printed at the start); the clones are removed.
set -uo pipefail

runs="${1:-5}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="$(git -C "$repo" rev-parse "${2:-HEAD}")"
logs="$(mktemp -d -t threadline-repeat-ci-XXXXXX)"
echo "commit ${commit:0:12}, ${runs} runs, logs in $logs"

failures=0
for run in $(seq 1 "$runs"); do
  clone="$(mktemp -d -t threadline-clone-XXXXXX)"
  git clone --quiet --no-hardlinks "$repo" "$clone" && git -C "$clone" checkout --quiet "$commit"
  started=$(date +%s)
  (cd "$clone" && CI=true bash .ci/run </dev/null) >"$logs/run-$run.log" 2>&1
  status=$?
  seconds=$(($(date +%s) - started))
  summary="$(grep -E '^Tests: ' "$logs/run-$run.log" | tail -1)"
  echo "run $run: ${summary:-no summary}, exit $status, ${seconds} s"
  [ "$status" -eq 0 ] || failures=$((failures + 1))
  rm -rf "$clone"
done
echo "$((runs - failures)) of $runs runs green"
[ "$failures" -eq 0 ]
