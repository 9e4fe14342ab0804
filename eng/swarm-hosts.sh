# The post's three hosts as three Docker engines on this machine (sourced by eng/swarm.sh; not run on its own).
#
#   eng/swarm.sh hosts up DIR   # one engine per node of DIR's inventory, a container named after the node, in one swarm
#   eng/swarm.sh hosts down     # the engines, their network, volumes and sockets, and the front door: nothing left
#
# Each engine is Debian's docker.io in a container of this machine's engine (containers/engine), its data in a volume
# of its own, its API on a socket under $hosts_dir/<node>/. The engines share one bridge network of this machine's,
# over which they form the swarm (every engine a manager: losing one host leaves a majority of managers) and carry the
# stack's overlay (VXLAN). Images reach them by `docker save` / `docker load`: no registry is involved.
#
# While hosts are up, `eng/swarm.sh deploy DIR` deploys onto them and puts the front door at 127.0.0.1:<port> on this
# machine: an HAProxy container of this machine's engine, on the engines' network, in front of the port on every
# engine (where the stack's own front door is published), each checked by PING every 200 ms. It stands for what
# real hosts would use (a virtual IP, a DNS name, a client-side balancer): none of the engines holds it, so losing any
# one leaves it up.

hosts_dir="$records/hosts"
hosts_network=redis-ha-lab-hosts
hosts_label=redis-ha-lab.hosts
hosts_front_door=redis-ha-lab-front-door
engine_image=redis-ha-lab/engine:20.10

# This machine's engine, whatever DOCKER_HOST a deploy onto the hosts sets for the swarm's commands.
machine_docker_host=${DOCKER_HOST:-}

# Runs a command (a program, or a function of eng/swarm.sh such as build_image) against this machine's engine.
on_machine() {
  (
    if [ -n "$machine_docker_host" ]; then export DOCKER_HOST=$machine_docker_host; else unset DOCKER_HOST; fi
    "$@"
  )
}

machine() { on_machine docker "$@"; }

hosts_are_up() { [ -f "$hosts_dir/nodes" ]; }
hosts_nodes() { cat "$hosts_dir/nodes"; }
engine_socket() { echo "unix://$hosts_dir/$1/docker.sock"; }
# The docker CLI against one host's engine.
engine() { local node=$1; shift; docker -H "$(engine_socket "$node")" "$@"; }
# A host's address on the engines' network: where its published ports are, seen from this machine.
engine_address() { machine inspect -f "{{ (index .NetworkSettings.Networks \"$hosts_network\").IPAddress }}" "$1"; }
# The addresses a check may find a published port at: 127.0.0.1 on a one-node swarm, every engine while hosts are up.
published_addresses() {
  if hosts_are_up; then
    local node
    for node in $(hosts_nodes); do engine_address "$node" 2> /dev/null || true; done
  else
    echo 127.0.0.1
  fi
}

hosts_up() {
  local started=$SECONDS node nodes=()
  for label in $NODE_LABELS; do nodes+=("${label#lab.}"); done
  if hosts_are_up; then
    [ "$(hosts_nodes | tr '\n' ' ')" = "${nodes[*]} " ] || die "hosts $(hosts_nodes | tr '\n' ' ')are up, for another inventory; eng/swarm.sh hosts down first"
    for node in "${nodes[@]}"; do
      [ "$(machine inspect -f '{{.State.Running}}' "$node" 2> /dev/null)" = true ] || die "host $node is not running (killed by a test or by hand?): docker start $node, or eng/swarm.sh hosts down and up again"
    done
    say "hosts ${nodes[*]} are up already"
    return 0
  fi
  for node in "${nodes[@]}"; do
    if machine container inspect "$node" > /dev/null 2>&1; then
      die "a container named $node exists and is not one of these hosts; remove or rename it (docker rm -f $node) and run hosts up again"
    fi
  done
  # Built again whenever containers/engine changed since the image was (its stamp: a hash of the folder).
  local stamp
  stamp=$(cd "$root/containers/engine" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  if [ "$(machine image inspect -f '{{ index .Config.Labels "redis-ha-lab.build-stamp" }}' "$engine_image" 2> /dev/null)" != "$stamp" ]; then
    on_machine build_image "$engine_image" engine --build-arg "LAB_BUILD_STAMP=$stamp"
  fi

  mkdir -p "$hosts_dir"
  # Recorded first: a hosts up that fails half-way is undone by hosts down like a whole one.
  printf '%s\n' "${nodes[@]}" > "$hosts_dir/nodes"
  machine network inspect "$hosts_network" > /dev/null 2>&1 || machine network create --label "$hosts_label=1" "$hosts_network" > /dev/null
  for node in "${nodes[@]}"; do
    mkdir -p "$hosts_dir/$node"
    # Not --privileged (see containers/engine/engine-start): every capability but CAP_SYS_RESOURCE, no seccomp or
    # AppArmor profile, /proc and /sys unmasked, a cgroup namespace of its own.
    machine run -d --name "$node" --hostname "$node" --label "$hosts_label=1" --network "$hosts_network" \
      --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --security-opt systempaths=unconfined --cgroupns private \
      --mount "type=volume,source=$hosts_network-$node,target=/var/lib/docker,volume-label=$hosts_label=1" \
      --mount "type=bind,source=$hosts_dir/$node,target=/run/outer" \
      "$engine_image" > /dev/null
  done
  for node in "${nodes[@]}"; do
    wait_for_engine "$node" 60 || die "the engine of host $node did not answer within 60 s (docker logs $node says why); eng/swarm.sh hosts down undoes hosts up"
  done

  local manager=${nodes[0]} address token
  address=$(engine_address "$manager")
  engine "$manager" swarm init --advertise-addr "$address" > /dev/null
  token=$(engine "$manager" swarm join-token -q manager)
  for node in "${nodes[@]:1}"; do
    engine "$node" swarm join --token "$token" --advertise-addr "$(engine_address "$node")" "$address:2377" > /dev/null
  done
  for node in "${nodes[@]}"; do
    engine "$manager" node update --label-add "lab.$node=true" "$(engine "$node" info --format '{{.Swarm.NodeID}}')" > /dev/null
  done
  say "hosts up in $((SECONDS - started)) s: ${nodes[*]}, one swarm of ${#nodes[@]} managers (leader $manager at $address), each labelled lab.<its name>"
}

wait_for_engine() {
  local node=$1 deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    engine "$node" info > /dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

hosts_down() {
  local found
  found=$(machine ps -aq --filter "label=$hosts_label=1")
  if [ -n "$found" ]; then
    # shellcheck disable=SC2086
    machine rm -f -v $found > /dev/null
  fi
  local volumes
  volumes=$(machine volume ls -q --filter "label=$hosts_label=1")
  if [ -n "$volumes" ]; then
    # shellcheck disable=SC2086
    retry 30 machine volume rm $volumes || die "could not remove the hosts' volumes ($volumes); run eng/swarm.sh hosts down again"
  fi
  if machine network inspect "$hosts_network" > /dev/null 2>&1; then
    retry 10 machine network rm "$hosts_network" || die "could not remove the network $hosts_network; run eng/swarm.sh hosts down again"
  fi
  # With the records of the stacks deployed onto them: those went with the engines.
  rm -rf "$hosts_dir"
  say "hosts down: no engine, front door, network or volume of theirs left"
}

# Every image the stack names into every engine, by `docker save` on this machine and `docker load` there, only
# where an engine lacks it or holds another build under the same name.
hosts_images() {
  local node reference wanted=() missing
  for pair in $IMAGES; do wanted+=("${pair%%=*}"); done
  local archive="$hosts_dir/images.tar" saved=0
  for node in $(hosts_nodes); do
    missing=0
    for reference in "${wanted[@]}"; do
      [ "$(engine "$node" image inspect -f '{{.Id}}' "$reference" 2> /dev/null)" = "$(machine image inspect -f '{{.Id}}' "$reference")" ] || missing=1
    done
    [ $missing = 1 ] || continue
    if [ $saved = 0 ]; then
      machine save -o "$archive" "${wanted[@]}"
      saved=1
    fi
    say "loading the stack's images into host $node"
    engine "$node" load -i "$archive" > /dev/null &
  done
  wait
  rm -f "$archive"
}

# The front door on this machine, in front of the port on every engine (see the header).
hosts_front_door() {
  local image=${1%%=*} folder="$hosts_dir/front-door" node
  mkdir -p "$folder"
  {
    echo "# Written by eng/swarm.sh deploy while hosts are up: 127.0.0.1:$FRONT_DOOR_PORT in front of every host's port $FRONT_DOOR_PORT."
    echo "global"
    echo "    log stdout format raw local0 info"
    echo "defaults"
    echo "    mode tcp"
    echo "    log global"
    echo "    option tcplog"
    echo "    timeout connect 200ms"
    echo "    retries 2"
    echo "    option redispatch 1"
    echo "    timeout client 1h"
    echo "    timeout server 1h"
    echo "    timeout check 200ms"
    echo "resolvers machine"
    echo "    nameserver docker 127.0.0.11:53"
    echo "    hold valid 1s"
    echo "frontend front-door"
    echo "    bind 0.0.0.0:$FRONT_DOOR_PORT"
    echo "    default_backend hosts"
    echo "backend hosts"
    echo "    balance roundrobin"
    echo "    # PING through the host's front door (RESP: *1 \$4 PING); a lab with a password answers -NOAUTH, still a Redis speaker."
    echo "    option tcp-check"
    echo "    tcp-check connect"
    echo "    tcp-check send-binary 2a310d0a24340d0a50494e470d0a"
    echo "    tcp-check expect rstring ^(\\+PONG|-NOAUTH)"
    echo "    default-server inter 200ms fall 2 rise 2 on-marked-down shutdown-sessions resolvers machine init-addr last,libc,none"
    for node in $(hosts_nodes); do echo "    server $node $node:$FRONT_DOOR_PORT check"; done
  } > "$folder/haproxy.cfg"
  machine rm -f "$hosts_front_door" > /dev/null 2>&1 || true
  on_machine ensure_image "$1"
  machine run -d --name "$hosts_front_door" --label "$hosts_label=1" --network "$hosts_network" \
    --restart on-failure -p "127.0.0.1:$FRONT_DOOR_PORT:$FRONT_DOOR_PORT" \
    --mount "type=bind,source=$folder,target=/etc/redis-ha-lab/haproxy,readonly" "$image" > /dev/null
  say "front door 127.0.0.1:$FRONT_DOOR_PORT on this machine, in front of port $FRONT_DOOR_PORT on $(hosts_nodes | tr '\n' ' ')"
}
