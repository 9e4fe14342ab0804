#!/usr/bin/env bash
# Generates aspire-manifest.json from the AppHost (no Docker needed).
#   eng/manifest.sh          rewrite it
#   eng/manifest.sh --check  fail when the file differs from what the AppHost generates now (the file is left as it was)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
manifest="$root/aspire-manifest.json"
generate() {
  # --output-path is a folder; the manifest's paths are relative to it, so it must be the repository root.
  dotnet run --project AppHost --no-launch-profile -- --publisher manifest --output-path "$root" >/dev/null
}
if [ "${1:-}" != "--check" ]; then
  generate
  echo "[manifest] wrote $manifest"
  exit 0
fi
saved="$(mktemp)"
trap 'mv "$saved" "$manifest"' EXIT
cp "$manifest" "$saved" 2>/dev/null || : >"$saved"
generate
if ! diff -u "$saved" "$manifest"; then
  echo "[manifest] aspire-manifest.json is stale: run eng/manifest.sh and commit the result" >&2
  exit 1
fi
echo "[manifest] aspire-manifest.json is current"
