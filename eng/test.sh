#!/usr/bin/env bash
# Runs every test of the lab on this machine, set-up included: the README's test command.
#  1. eng/setup.sh (Docker engine, base image, build adapter);
#  2. the manifest check: aspire-manifest.json must match what the AppHost generates now;
#  3. unit tests and model tests (no Docker), then integration tests (real containers).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/eng/setup.sh"

echo "[test] building"
dotnet build Lab.sln -c Release -nologo -v quiet

echo "[test] checking aspire-manifest.json is current"
"$root/eng/manifest.sh" --check

# The integration tests deploy the lab as a Swarm stack once (SwarmScenarioTests) and remove it in their teardown.
# A run killed before that (a CI job cut off) leaves the stack, and perhaps a swarm, in the engine, holding the lab's
# ports: remove what an earlier run left before testing, and again on the way out, so CI leaves no stack, overlay
# network or swarm behind. (A stack deployed by hand with eng/swarm.sh is removed too: the tests need its ports.)
"$root/eng/swarm.sh" leftovers
trap '"$root/eng/swarm.sh" leftovers || true' EXIT

results="$root/.lab/test-results"
mkdir -p "$results"

# Runs one test project; on failure, repeats each failed test's name and message at the end of the output, where a
# CI log's tail shows them (the full run prints hundreds of lines after the first failure).
# Each project's duration is printed with the others at the end (the suite's time, per project); its .trx file in
# .lab/test-results/ holds each test's start and end.
durations=()
run_tests() {
  local project="$1" log="$results/$1.log" started=$SECONDS
  if dotnet test "$project" -c Release --no-build --logger "console;verbosity=normal" --logger "trx;LogFileName=$project.trx" \
       --results-directory "$results" 2>&1 | tee "$log"; then
    durations+=("$project $((SECONDS - started)) s")
    return 0
  fi
  echo "[test] $project failed; the failed tests:"
  grep -E -A12 '^\s+Failed [A-Za-z_]' "$log" | grep -E -v '^\s+(Stack Trace:|at |--$)' | head -120 || true
  # What each Sentinel said right after a failed test (the lab fixtures' failure report), one line each: why a shard was
  # not failed over, where a CI log's tail shows it. The containers' own lines stay in the full output above.
  if grep -q -E 'after the failure, .* says:' "$log"; then
    echo "[test] what the Sentinels said after the failed tests:"
    grep -E 'after the failure, .* says:' "$log" | sed -E 's/^\s+//' | awk '!seen[$0]++' | cut -c1-600 | head -30 || true
  fi
  return 1
}

tests_started=$SECONDS
echo "[test] unit tests"
run_tests UnitTests
echo "[test] model tests (the AppHost's model, no containers)"
run_tests ModelTests
echo "[test] integration tests (real containers)"
run_tests IntegrationTests
echo "[test] all tests passed"
echo "[test] durations: set-up, manifest check and build ${tests_started} s"
for duration in "${durations[@]}"; do echo "[test] durations: $duration"; done
echo "[test] durations: ${SECONDS} s in all"
