#!/usr/bin/env bash
# Prepares this machine for the lab; safe to run again (every step checks before it acts).
#  1. a running Docker engine (installs Debian's docker.io and starts dockerd when `docker info` fails);
#  2. the base image `debian:bookworm-slim` (pulled where a registry answers, else made locally with
#     debootstrap + `docker import`);
#  3. where the docker CLI first on PATH has no buildx plugin, a narrow adapter that hands `docker build`
#     to Debian's CLI (see docker-build-adapter.sh). The AppHost puts it first on PATH for Aspire's DCP.
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

ensure_build_adapter() {
  mkdir -p "$ADAPTER_DIR"
  if docker buildx version >/dev/null 2>&1; then
    rm -f "$ADAPTER_DIR/docker"
    log "docker buildx present: no build adapter needed"
    return
  fi
  local main_cli legacy_cli
  main_cli="$(type -P docker)"
  legacy_cli="/usr/bin/docker"
  [ -x "$legacy_cli" ] && [ "$main_cli" != "$legacy_cli" ] || {
    log "docker CLI $main_cli has no buildx and no second CLI to build with; image builds may fail"
    return
  }
  sed -e "s|@MAIN_CLI@|$main_cli|" -e "s|@BUILD_CLI@|$legacy_cli|" "$here/docker-build-adapter.sh" >"$ADAPTER_DIR/docker"
  chmod +x "$ADAPTER_DIR/docker"
  log "docker build adapter: $ADAPTER_DIR/docker (build -> $legacy_cli, everything else -> $main_cli)"
}

ensure_docker_engine
ensure_base_image
ensure_build_adapter
log "ready"
