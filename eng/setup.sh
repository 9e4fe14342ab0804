#!/usr/bin/env bash
# Prepares this machine for the lab; safe to run again (every step checks before it acts).
#  1. a running Docker engine (installs Debian's docker.io and starts dockerd when `docker info` fails);
#  2. the base image `debian:bookworm-slim` (pulled where a registry answers, else made locally with
#     debootstrap + `docker import`);
#  3. where the docker CLI first on PATH has no buildx plugin, a narrow adapter that hands `docker build`
#     to Debian's CLI (see docker-build-adapter.sh). The AppHost puts it first on PATH for Aspire's DCP;
#  4. the base image of Aspire's container tunnel proxy (pulled where a registry answers, else a local
#     stand-in built from `debian:bookworm-slim`; see ensure_tunnel_proxy_base);
#  5. the host programs of the network faults: iproute2's `ip` (partition), util-linux's `nsenter` and `iptables`
#     (isolate, and partitions on Swarm).
set -euo pipefail

readonly BASE_IMAGE="debian:bookworm-slim"
readonly LAB_HOME="${REDIS_HA_LAB_HOME:-$HOME/.redis-ha-lab}"
readonly ADAPTER_DIR="$LAB_HOME/bin"
readonly DOCKERD_LOG="/var/log/redis-ha-lab-dockerd.log"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

ensure_docker_engine() {
  if docker info >/dev/null 2>&1; then log "Docker engine: running"; return; fi
  [ "$(id -u)" = 0 ] || die "no Docker engine answers 'docker info' and this script is not root: start Docker, or re-run as root so it can install and start one."
  if ! command -v dockerd >/dev/null 2>&1; then
    log "Docker engine: installing Debian's docker.io"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log "Docker engine: starting dockerd (log: $DOCKERD_LOG)"
  # dockerd outlives this script: it must not keep the caller's file descriptors (a CI log pipe, a lock
  # file), or whoever waits for those to close waits forever.
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid dockerd </dev/null >"$DOCKERD_LOG" 2>&1
  ) &
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then log "Docker engine: running"; return; fi
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $DOCKERD_LOG"
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then log "base image $BASE_IMAGE: present"; return; fi
  if timeout 60 docker pull -q "$BASE_IMAGE" >/dev/null 2>&1; then log "base image $BASE_IMAGE: pulled"; return; fi
  [ "$(id -u)" = 0 ] || die "$BASE_IMAGE is missing and cannot be pulled; re-run as root to build it locally with debootstrap."
  command -v debootstrap >/dev/null 2>&1 || {
    log "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  local root; root="$(mktemp -d /tmp/redis-ha-lab-rootfs.XXXXXX)"
  trap 'rm -rf "$root"' RETURN
  log "base image $BASE_IMAGE: no registry answered; building it with debootstrap (about 2 minutes)"
  # No mirror argument: debootstrap uses its own default, so no registry name is written here.
  debootstrap --variant=minbase bookworm "$root" >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  log "base image $BASE_IMAGE: imported"
}

# A program the build adapter may run: an absolute path (its real one, no link) of an executable file that only root can
# change: owned by root and not group- or world-writable, and so is every folder above it. The path may hold only
# letters, digits and . _ / + -, which also makes it safe to write into the adapter.
root_only() {
  local path="$1" owner mode
  [[ "$path" =~ ^/[A-Za-z0-9._/+-]+$ ]] && [ -f "$path" ] && [ -x "$path" ] && [ ! -L "$path" ] || return 1
  while :; do
    read -r owner mode < <(stat -c '%u %a' -- "$path") || return 1
    [ "$owner" = 0 ] && (( (8#$mode & 8#022) == 0 )) || return 1
    [ "$path" = / ] && return 0
    path="$(dirname "$path")"
  done
}

# The path and every folder above it, one per line.
path_and_folders() {
  local path="$1"
  while :; do
    printf '%s\n' "$path"
    [ "$path" = / ] && return
    path="$(dirname "$path")"
  done
}

ensure_build_adapter() {
  local adapter="$ADAPTER_DIR/docker" uid folder owner mode who
  uid="$(id -u)"
  who="$( [ "$uid" = 0 ] && echo root || echo "$(id -un) and root")"
  # The AppHost puts this folder first on PATH: it, and every folder above it, must be writable by no one but this
  # user (or root), or someone else could put a "docker" there that the AppHost would run.
  (umask 022 && mkdir -p "$ADAPTER_DIR")
  while read -r folder; do
    read -r owner mode < <(stat -c '%u %a' -- "$folder")
    { [ "$owner" = 0 ] || [ "$owner" = "$uid" ]; } && (( (8#$mode & 8#022) == 0 )) ||
      die "$folder can be written by others than $who, and the AppHost runs the build adapter from $ADAPTER_DIR; set REDIS_HA_LAB_HOME to a folder only you can write"
  done < <(path_and_folders "$(readlink -f "$ADAPTER_DIR")")

  # The docker first on PATH, the adapter left out (a shell that already has its folder on PATH finds it first).
  local main_cli="" candidate
  while read -r candidate; do
    [ "$(readlink -f "$(dirname "$candidate")")" = "$(readlink -f "$ADAPTER_DIR")" ] && continue
    main_cli="$(readlink -f "$candidate")"
    break
  done < <(type -ap docker)
  [ -n "$main_cli" ] || die "no docker CLI on PATH"
  if "$main_cli" buildx version >/dev/null 2>&1; then
    rm -f "$adapter"
    log "docker buildx present: no build adapter needed"
    return
  fi
  local legacy_cli
  legacy_cli="$(readlink -f /usr/bin/docker 2>/dev/null || true)"
  [ -n "$legacy_cli" ] && [ -x "$legacy_cli" ] && [ "$main_cli" != "$legacy_cli" ] || {
    rm -f "$adapter"
    log "docker CLI $main_cli has no buildx and no second CLI to build with; image builds may fail"
    return
  }
  # /usr/bin/stat too: the adapter checks the CLIs with it before each run.
  local program
  for program in "$main_cli" "$legacy_cli" /usr/bin/stat; do
    root_only "$program" || {
      rm -f "$adapter"
      die "the build adapter runs only programs that only root can change, and $program is not one (owned by someone else, writable by a group or everyone, in such a folder, or an odd path); install docker under /usr/local/bin or /usr/bin"
    }
  done
  local checked
  checked="$( { path_and_folders "$main_cli"; path_and_folders "$legacy_cli"; } | sort -u | tr '\n' ' ')"
  # Written beside the adapter and renamed over it: a half-written adapter is never on PATH.
  sed -e "s|@MAIN_CLI@|$main_cli|g" -e "s|@BUILD_CLI@|$legacy_cli|g" -e "s|@CHECKED@|${checked% }|" \
    "$here/docker-build-adapter.sh" >"$adapter.new"
  chmod 755 "$adapter.new"
  mv -f "$adapter.new" "$adapter"
  log "docker build adapter: $adapter (build -> $legacy_cli, everything else -> $main_cli)"
}

# Aspire's DCP starts a "container network tunnel proxy" container whenever a container talks to the host,
# e.g. a container resource with WithOtlpExporter() sending telemetry to the dashboard. DCP builds that
# proxy's image FROM a base image of a registry this machine may not reach, and then no lab container starts.
# Aspire gives DCP no other base, but DCP falls back to a local image of that exact name when the pull fails.
# So where it cannot be pulled, tag a stand-in with that name: the lab's Debian base plus OpenSSL (the proxy
# is a Go program that loads the unversioned libcrypto.so and libssl.so). The name is read at run time from
# the DCP binary the AppHost restores (its documented default for the proxy's base image): no registry is
# named in this repository, and for the same reason the log lines below never print it.
ensure_tunnel_proxy_base() {
  command -v dotnet >/dev/null 2>&1 || { log "tunnel proxy base image: no dotnet SDK, skipped"; return; }
  local packages dcps names name
  packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
  dcps=("$packages"/aspire.hosting.orchestration.*/*/tools/dcp)
  if [ ! -f "${dcps[0]}" ]; then
    log "tunnel proxy base image: restoring the AppHost to find Aspire's DCP"
    dotnet restore "$here/../AppHost" -nologo -v q >/dev/null
    dcps=("$packages"/aspire.hosting.orchestration.*/*/tools/dcp)
  fi
  names="$(grep -ahoP 'client proxy container\. Defaults to \K[^ ]+(?= if not specified)' "${dcps[@]}" 2>/dev/null | sort -u || true)"
  [ -n "$names" ] || { log "tunnel proxy base image: not named in Aspire's DCP; skipped (containers may not start)"; return; }
  for name in $names; do
    if docker image inspect "$name" >/dev/null 2>&1; then log "tunnel proxy base image: present"; continue; fi
    if timeout 20 docker pull -q "$name" >/dev/null 2>&1; then log "tunnel proxy base image: pulled"; continue; fi
    log "tunnel proxy base image: no registry answered; building a stand-in from $BASE_IMAGE"
    # Built like DCP builds: through the adapter where there is one.
    PATH="$ADAPTER_DIR:$PATH" docker build -q -t "$name" - >/dev/null <<EOF
FROM $BASE_IMAGE
LABEL redis-ha-lab.stand-in="tunnel proxy base image of Aspire's DCP (made by eng/setup.sh)"
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libssl3 >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && cd /usr/lib/\$(uname -m)-linux-gnu && ln -sf libcrypto.so.3 libcrypto.so && ln -sf libssl.so.3 libssl.so
EOF
    log "tunnel proxy base image: stand-in built"
  done
}

# docker.io brings iptables, and Debian's base system util-linux; a machine set up some other way may lack them.
ensure_network_fault_tools() {
  local missing=()
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v iptables >/dev/null 2>&1 || missing+=(iptables)
  command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
  if [ ${#missing[@]} -eq 0 ]; then log "network fault tools (ip, iptables, nsenter): present"; return; fi
  [ "$(id -u)" = 0 ] || die "the network faults need ${missing[*]}, and this script is not root to install them: apt-get install ${missing[*]}"
  log "network fault tools: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_docker_engine
ensure_base_image
ensure_build_adapter
ensure_tunnel_proxy_base
ensure_network_fault_tools
log "ready"
