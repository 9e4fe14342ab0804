#!/usr/bin/env bash
# Deploys a published Swarm stack of the lab, and removes it again.
#
#   dotnet run --project AppHost -- --publish swarm --output DIR   # writes DIR/stack.yml, DIR/files/, DIR/swarm.env
#   eng/swarm.sh images DIR    # only the images the stack names, built when missing (to push to a registry of yours)
#   eng/swarm.sh deploy DIR    # images (when missing), a one-node swarm (when none), node labels, deploy, wait
#   eng/swarm.sh remove DIR    # the stack, its volumes, and whatever deploy made (the swarm, its gwbridge, labels)
#   eng/swarm.sh leftovers     # removes every stack a deploy recorded and no remove undid (a killed test run's)
#   eng/swarm.sh check DIR     # reads DIR/swarm.env as deploy does (data, each value checked) and prints it
#   eng/swarm.sh hosts up DIR  # three Docker engines on this machine, one per inventory node, in one swarm (eng/swarm-hosts.sh)
#   eng/swarm.sh hosts down    # removes them and everything they made
#
# While hosts are up, deploy and remove act on their swarm (images loaded into each engine, the front door on this
# machine in front of all of them); otherwise on this machine's engine.
#
# deploy builds missing images from the same recipes as the Aspire lab (containers/*), creates a one-node swarm at
# 127.0.0.1 only when the engine is in none (and records that it did, with the machine: see `records`), labels the node with one
# boolean label per inventory node when the swarm has one node (on a bigger swarm the labels must be set already:
# docs/swarm.md, "Three real hosts"), deploys, and waits (bounded) until a SET/GET through 127.0.0.1:<front door> works and
# every replica's link to its master is up, and every Sentinel knows the others. It prints how long the deploy took.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: eng/swarm.sh images|deploy|remove|check DIR (DIR from: dotnet run --project AppHost -- --publish swarm --output DIR), eng/swarm.sh hosts up DIR, eng/swarm.sh hosts down, or eng/swarm.sh leftovers" >&2; exit 2; }
say() { echo "[swarm] $*"; }
die() { echo "[swarm] $*" >&2; exit 1; }

# What each deploy made is recorded with the machine, not in DIR: a run killed before its remove (a CI job cut off,
# a clone deleted) leaves its stack in the engine, and the next clone must still find and undo it (`leftovers`).
records="${REDIS_HA_LAB_HOME:-$HOME/.redis-ha-lab}/swarm"
# shellcheck source=eng/swarm-hosts.sh
source "$root/eng/swarm-hosts.sh"

# No word of a value is ever a pattern: the lists from swarm.env are split on spaces, never globbed.
set -f

[ $# -ge 1 ] || usage
action=$1
if [ "$action" = leftovers ]; then
  [ $# -eq 1 ] || usage
elif [ "$action" = hosts ]; then
  case "${2:-} $#" in "up 3" | "down 2") ;; *) usage ;; esac
else
  [ $# -eq 2 ] || usage
fi
# Each key swarm.env may hold, with the form its value must take (a whole-value extended regex). The lists are words
# separated by single spaces, each word of a form that holds no quote, '$', glob character or line break, so the
# values can be used unquoted in a `for` without running or expanding anything. The stack name's form is the
# publisher's (SwarmNames.StackProblem); a file edited by hand is held to the same forms.
word_port='[0-9]{1,5}'
declare -A env_forms=(
  [STACK]='[a-z][a-z0-9_-]{0,39}'
  [INVENTORY]='[a-z][a-z0-9-]{0,62}[.]ya?ml'
  [NODE_LABELS]='lab[.][a-z][a-z0-9-]*( lab[.][a-z][a-z0-9-]*)*'
  [IMAGES]='[A-Za-z0-9][A-Za-z0-9._:/-]*=[a-z]+(=[0-9a-f]{16})?( [A-Za-z0-9][A-Za-z0-9._:/-]*=[a-z]+(=[0-9a-f]{16})?)*'
  [FRONT_DOOR_PORT]="$word_port"
  [FRONT_DOOR_IMAGE]='[A-Za-z0-9][A-Za-z0-9._:/-]*=[a-z]+(=[0-9a-f]{16})?'
  [REPLICA_PORTS]="($word_port( $word_port)*)?"
  [SENTINEL_PORTS]="$word_port( $word_port)*"
  [MASTER_NAMES]='[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*'
  [AUTHENTICATION]='none|password'
)

# Reads swarm.env as data: KEY=value lines (and '#' comments), every key known, given once, its value of its form.
read_stack_env() {
  local file=$1 line key value number=0
  local -A given=()
  while IFS= read -r line || [ -n "$line" ]; do
    number=$((number + 1))
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    [ "$key" != "$line" ] || { echo "[swarm] $file:$number: not a KEY=value line; publish the stack again" >&2; exit 2; }
    [ -n "${env_forms[$key]+known}" ] || { echo "[swarm] $file:$number: unknown key '$key' (known: ${!env_forms[*]}); publish the stack again" >&2; exit 2; }
    [ -z "${given[$key]+seen}" ] || { echo "[swarm] $file:$number: $key is given twice; publish the stack again" >&2; exit 2; }
    [[ $value =~ ^(${env_forms[$key]})$ ]] || { echo "[swarm] $file:$number: $key has a value of another form than the publisher writes; publish the stack again" >&2; exit 2; }
    given[$key]=1
    printf -v "$key" '%s' "$value"
  done < "$file"
  for key in "${!env_forms[@]}"; do
    [ -n "${given[$key]+seen}" ] || { echo "[swarm] $file: $key is missing; publish the stack again" >&2; exit 2; }
  done
}

open_stack_folder() {
  dir="$(cd "$1" 2>/dev/null && pwd)" || { echo "[swarm] $1: no such folder; publish one first (dotnet run --project AppHost -- --publish swarm --output DIR)" >&2; exit 2; }
  [ -f "$dir/swarm.env" ] && [ -f "$dir/stack.yml" ] || { echo "[swarm] $dir holds no published stack (stack.yml, swarm.env); publish one first" >&2; exit 2; }
  read_stack_env "$dir/swarm.env"
  # What deploy made, so that remove undoes exactly that; a deploy onto the hosts is recorded with them (hosts down
  # ends it too), apart from one onto this machine's engine under the same stack name.
  record="$records/$STACK.deployed"
  if hosts_are_up; then record="$hosts_dir/$STACK.deployed"; fi
  password=""
  if [ "$AUTHENTICATION" = password ]; then
    password="$(cat "$dir/files/redis-password")"
  fi
}

# One RESP exchange with 127.0.0.1:$1 (AUTH first when the lab has a password), QUIT last; prints the raw replies.
resp() { resp_at 127.0.0.1 "$@"; }

# The same with a port published by a task, wherever it runs (see published_addresses): the first that answers.
resp_published() {
  local address reply
  for address in $(published_addresses); do
    reply=$(resp_at "$address" "$@")
    [ -z "$reply" ] || { printf '%s\n' "$reply"; return 0; }
  done
}

resp_at() {
  local address=$1 port=$2; shift 2
  local request="" words
  if [ -n "$password" ]; then request+="*2\r\n\$4\r\nAUTH\r\n\$${#password}\r\n${password}\r\n"; fi
  request+="*$#\r\n"
  for words in "$@"; do request+="\$${#words}\r\n${words}\r\n"; done
  request+="*1\r\n\$4\r\nQUIT\r\n"
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "%b" "$3" >&3 && cat <&3' _ "$address" "$port" "$request" 2>/dev/null || true
}

build_image() {
  local reference=$1 name=$2 folder="$root/containers/$2"
  shift 2
  if [ "$name" = reconfig ] && [ ! -x "$folder/app/RedisHaLab.Reconfig" ]; then
    # The reconfig image carries the service published self-contained by the AppHost's build.
    say "publishing the reconfig service into containers/reconfig/app (dotnet build AppHost)"
    dotnet build "$root/AppHost" -c Release -nologo -v quiet
  fi
  say "building $reference from containers/$name"
  if docker buildx version > /dev/null 2>&1; then
    docker build "$@" -t "$reference" "$folder"
  else
    # As eng/setup.sh's adapter does: this machine's CLI 28 has no buildx; Debian's CLI 20.10 builds with BuildKit.
    DOCKER_BUILDKIT=1 /usr/bin/docker build --progress plain "$@" -t "$reference" "$folder"
  fi
}

# Builds image $1 (reference=folder[=stamp], as swarm.env names it) unless the local one is current: present, and,
# when the publish stamped it, carrying that stamp (a build of the folder as it was published; the AppHost's stamps).
ensure_image() {
  local reference=${1%%=*} rest=${1#*=} stamp=""
  local folder=${rest%%=*}
  [ "$folder" = "$rest" ] || stamp=${rest#*=}
  if [ -z "$stamp" ]; then
    docker image inspect "$reference" > /dev/null 2>&1 || build_image "$reference" "$folder"
  elif [ "$(docker image inspect -f '{{ index .Config.Labels "redis-ha-lab.build-stamp" }}' "$reference" 2> /dev/null)" != "$stamp" ]; then
    build_image "$reference" "$folder" --build-arg "LAB_BUILD_STAMP=$stamp"
  fi
}

images() {
  for pair in $IMAGES; do
    ensure_image "$pair"
  done
}

deploy() {
  local started=$SECONDS
  images
  if hosts_are_up; then
    hosts_images
  fi
  local images_done=$SECONDS

  # A record left by an earlier deploy that was not removed still says what that deploy made: keep adding to it.
  mkdir -p "$records"
  grep -qsxF "dir=$dir" "$record" || echo "dir=$dir" >> "$record"
  if hosts_are_up; then
    hosts_front_door "$FRONT_DOOR_IMAGE"
    export DOCKER_HOST
    DOCKER_HOST=$(engine_socket "$(hosts_nodes | head -n 1)")
    say "deploying onto the hosts' swarm ($(hosts_nodes | tr '\n' ' '))"
  elif [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" = inactive ]; then
    docker network inspect docker_gwbridge > /dev/null 2>&1 && gwbridge_was_there=1 || gwbridge_was_there=0
    say "this engine is in no swarm: creating a one-node swarm at 127.0.0.1 (eng/swarm.sh remove leaves it again)"
    docker swarm init --advertise-addr 127.0.0.1 > /dev/null
    echo "made_swarm=1" >> "$record"
    [ "$gwbridge_was_there" = 1 ] || echo "made_gwbridge=1" >> "$record"
  else
    say "using the swarm this engine is in"
  fi

  local nodes self
  nodes=$(docker node ls -q | wc -l)
  self=$(docker info --format '{{.Swarm.NodeID}}')
  for label in $NODE_LABELS; do
    if [ "$nodes" -eq 1 ]; then
      if [ "$(docker node inspect "$self" --format "{{ index .Spec.Labels \"$label\" }}")" != true ]; then
        docker node update --label-add "$label=true" "$self" > /dev/null
        echo "label=$label" >> "$record"
      fi
    elif [ -z "$(docker node ls -q | xargs docker node inspect --format "{{ index .Spec.Labels \"$label\" }}" | grep -x true)" ]; then
      die "no node of this $nodes-node swarm has the label $label=true; set it on the node that plays it (docker node update --label-add $label=true NODE)"
    fi
  done

  say "deploying stack $STACK from $dir/stack.yml"
  (cd "$dir" && docker stack deploy -c stack.yml "$STACK" > /dev/null)

  # Bounded: a stack that does not come up is a failure to look at, not something to wait for forever.
  local deadline=$((SECONDS + 240)) key="swarm-deploy-check-$$" serving=0 replicas=0 acquainted=0
  local sentinel_count name
  sentinel_count=$(wc -w <<< "$SENTINEL_PORTS")
  local views_wanted=$((sentinel_count * $(wc -w <<< "$MASTER_NAMES")))
  while [ $SECONDS -lt $deadline ]; do
    serving=0; replicas=0; acquainted=0
    if resp "$FRONT_DOOR_PORT" SET "$key" ok > /dev/null && resp "$FRONT_DOOR_PORT" GET "$key" | tr -d '\r' | grep -qx ok; then
      serving=1
    fi
    for port in $REPLICA_PORTS; do
      resp_published "$port" INFO replication | grep -q '^master_link_status:up' && replicas=$((replicas + 1))
    done
    # Sentinels find each other through hello messages on the masters, seconds after they start; until each knows
    # the others, a failover finds no majority to elect its leader with.
    for port in $SENTINEL_PORTS; do
      for name in $MASTER_NAMES; do
        [ "$(resp_published "$port" SENTINEL MASTER "$name" | tr -d '\r' | grep -A2 -x num-other-sentinels | tail -n 1)" = $((sentinel_count - 1)) ] && acquainted=$((acquainted + 1))
      done
    done
    if [ $serving = 1 ] && [ $replicas -eq "$(wc -w <<< "$REPLICA_PORTS")" ] && [ $acquainted -eq $views_wanted ]; then
      resp "$FRONT_DOOR_PORT" DEL "$key" > /dev/null
      say "stack $STACK serves: SET/GET through 127.0.0.1:$FRONT_DOOR_PORT, $replicas replicas linked to their masters, each of $sentinel_count Sentinels knows the others"
      say "deploy took $((SECONDS - started)) s (images $((images_done - started)) s, swarm and stack $((SECONDS - images_done)) s)"
      return 0
    fi
    sleep 1
  done
  docker stack ps "$STACK" --no-trunc || true
  die "stack $STACK did not serve within 240 s (front door serving: $serving, replicas linked: $replicas, Sentinel views complete: $acquainted of $views_wanted); eng/swarm.sh remove $dir undoes the deploy"
}

# Runs the command until it succeeds, at most $1 times a second apart; its output is dropped.
retry() {
  local tries=$1; shift
  for _ in $(seq 1 "$tries"); do
    "$@" > /dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

remove() {
  if hosts_are_up; then
    remove_from_hosts
    return 0
  fi
  if docker info --format '{{.Swarm.LocalNodeState}}' | grep -qx active && docker stack ls --format '{{.Name}}' | grep -qx "$STACK"; then
    say "removing stack $STACK"
    docker stack rm "$STACK" > /dev/null
  fi
  # stack rm returns before the containers and the network are gone; the volumes can go only after the containers.
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ] && [ -n "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ]; do sleep 1; done
  while [ $SECONDS -lt $deadline ] && docker network inspect "${STACK}_${NETWORK:-lab}" > /dev/null 2>&1; do sleep 1; done
  local volumes
  volumes=$(docker volume ls -q --filter "label=com.docker.stack.namespace=$STACK")
  if [ -n "$volumes" ]; then
    # A volume stays in use for a moment after its last container is gone: try again, bounded.
    # shellcheck disable=SC2086
    retry 30 docker volume rm $volumes || die "could not remove the stack's volumes ($volumes); run eng/swarm.sh remove $dir again"
    say "removed the stack's volumes"
  fi
  if [ -f "$record" ]; then
    if grep -qx made_swarm=1 "$record"; then
      # Each step checks first, so a remove that stopped half-way can simply be run again.
      if docker info --format '{{.Swarm.LocalNodeState}}' | grep -qx active; then
        say "leaving the one-node swarm deploy made"
        docker swarm leave --force > /dev/null
      fi
      if grep -qx made_gwbridge=1 "$record" && docker network inspect docker_gwbridge > /dev/null 2>&1; then
        # The bridge keeps endpoints for a moment after the swarm is left: try again, bounded. Engine 20.10 can also
        # keep a stale endpoint in its own store (its log: "Unable to complete atomic operation, key modified"),
        # which only an engine restart clears: then the bridge stays, empty and harmless, and this says so.
        if ! retry 10 docker network rm docker_gwbridge; then
          say "warning: docker_gwbridge (empty) stays: the engine still lists a stale endpoint on it; it goes at the engine's next restart"
        fi
      fi
    else
      while IFS= read -r line; do
        case "$line" in label=*) docker node update --label-rm "${line#label=}" "$(docker info --format '{{.Swarm.NodeID}}')" > /dev/null || true ;; esac
      done < "$record"
    fi
    rm -f "$record"
  fi
  say "removed: no stack $STACK, no swarm or network of this deploy left"
}

# A stack deployed onto the hosts: everything it made is inside their engines (and the front door on this machine).
remove_from_hosts() {
  local manager node
  manager=$(hosts_nodes | head -n 1)
  engine "$manager" stack rm "$STACK" > /dev/null 2>&1 || true
  machine rm -f "$hosts_front_door" > /dev/null 2>&1 || true
  for node in $(hosts_nodes); do
    local deadline=$((SECONDS + 60)) volumes
    while [ $SECONDS -lt $deadline ] && [ -n "$(engine "$node" ps -aq --filter "label=com.docker.stack.namespace=$STACK" 2> /dev/null)" ]; do sleep 1; done
    volumes=$(engine "$node" volume ls -q --filter "label=com.docker.stack.namespace=$STACK" 2> /dev/null || true)
    if [ -n "$volumes" ]; then
      # shellcheck disable=SC2086
      retry 30 engine "$node" volume rm $volumes || die "could not remove the stack's volumes on host $node ($volumes); run eng/swarm.sh remove $dir again"
    fi
  done
  rm -f "$record"
  say "removed: no stack $STACK on the hosts, no front door (the hosts stay up: eng/swarm.sh hosts down)"
}

# Undoes every deploy the machine still records: each is a stack some run deployed and never removed.
leftovers() {
  local found recorded
  set +f
  recorded=("$records"/*.deployed)
  set -f
  for found in "${recorded[@]}"; do
    [ -f "$found" ] || continue
    STACK="$(basename "$found" .deployed)"
    if ! [[ $STACK =~ ^(${env_forms[STACK]})$ ]]; then
      say "skipping $found: '$STACK' is no stack name a publish gives"
      continue
    fi
    record="$found"
    dir="$(sed -n 's/^dir=//p' "$found" | tail -n 1)"
    say "stack $STACK is still deployed by an earlier run (from ${dir:-an unknown folder}): removing it"
    remove
  done
}

case "$action" in
  images) open_stack_folder "$2"; images; say "images: $(for pair in $IMAGES; do printf '%s ' "${pair%%=*}"; done)" ;;
  check) open_stack_folder "$2"; for key in "${!env_forms[@]}"; do printf '%s=%s\n' "$key" "${!key}"; done | sort ;;
  deploy) open_stack_folder "$2"; deploy ;;
  remove) open_stack_folder "$2"; remove ;;
  leftovers)
    # Hosts a run left up (killed before its hosts down) hold their engines, network and volumes; first, so that the
    # removes below act on this machine's engine.
    if hosts_are_up || [ -n "$(machine ps -aq --filter "label=$hosts_label=1")" ]; then
      say "hosts an earlier run left up: taking them down"
      hosts_down
    fi
    leftovers
    ;;
  hosts)
    if [ "$2" = up ]; then open_stack_folder "$3"; hosts_up; else hosts_down; fi
    ;;
  *) usage ;;
esac
