#!/usr/bin/env bash
# Runs every test of the lab on this machine, set-up included: the README's test command.
#  1. eng/setup.sh (Docker engine, base image, build adapter);
#  2. the manifest check: aspire-manifest.json must match what the AppHost generates now;
#  3. unit tests (no Docker), then integration tests (real containers).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/eng/setup.sh"

echo "[test] building"
dotnet build Lab.sln -c Release -nologo -v quiet

echo "[test] checking aspire-manifest.json is current"
"$root/eng/manifest.sh" --check

results="$root/.lab/test-results"
echo "[test] unit tests"
dotnet test UnitTests -c Release --no-build --logger "console;verbosity=normal" --results-directory "$results"
echo "[test] integration tests (real containers)"
dotnet test IntegrationTests -c Release --no-build --logger "console;verbosity=normal" --results-directory "$results"
echo "[test] all tests passed"
