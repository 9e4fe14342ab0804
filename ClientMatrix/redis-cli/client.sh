#!/bin/sh
# The client matrix's redis-cli client, run in the lab's Redis image on the host's network: what an operator's shell
# loop does, one redis-cli (one connection) per command. Twenty times a second at most it writes a new key (the value:
# a rising counter) and reads it back, each command bounded by 5 s, and prints every operation as one JSON line (the
# matrix's ClientOperation). LAB_HOST, LAB_PORT, LAB_KEY_PREFIX and LAB_SECONDS from the matrix; LAB_PASSWORD on a
# lab with authentication (handed to redis-cli through its REDISCLI_AUTH, never on a command line). It stops when its
# standard input closes, or after LAB_SECONDS.
set -u
[ -n "${LAB_PASSWORD:-}" ] && export REDISCLI_AUTH="$LAB_PASSWORD"
end=$(( $(date +%s) + LAB_SECONDS ))
# The matrix stops a client by closing its standard input.
stopped=/tmp/lab-client-stopped
rm -f "$stopped"
# (A background job's input is /dev/null unless redirected: the input is handed over as descriptor 3.)
exec 3<&0
(cat <&3 >/dev/null; touch "$stopped") &
seq=0
# One command: prints its line; returns 0 when the server answered without an error.
run() { # op key seq command...
  op=$1 key=$2 n=$3; shift 3
  start=$(date +%s%3N)
  out=$(timeout 5 redis-cli --no-auth-warning -h "$LAB_HOST" -p "$LAB_PORT" "$@" 2>&1)
  rc=$?
  stop=$(date +%s%3N)
  # redis-cli prints an error reply as it is and exits with 1; a refused connection says "Could not connect".
  case "$rc:$out" in
    124:*) echo "{\"op\":\"$op\",\"key\":\"$key\",\"seq\":$n,\"start\":$start,\"end\":null,\"ok\":false,\"error\":\"no answer within 5 s\"}"; return 1 ;;
    0:ERR*|0:*Could\ not\ connect*|0:READONLY*|0:LOADING*|0:NOAUTH*|[1-9]*)
      error=$(printf '%s' "$out" | tr -d '"\\' | tr '\n\r\t' '   ' | cut -c1-200)
      echo "{\"op\":\"$op\",\"key\":\"$key\",\"seq\":$n,\"start\":$start,\"end\":$stop,\"ok\":false,\"error\":\"$error\"}"; return 1 ;;
  esac
  if [ "$op" = get ]; then
    if [ -z "$out" ]; then value=null; else value="\"$(printf '%s' "$out" | tr -d '"\\\n\r')\""; fi
    echo "{\"op\":\"get\",\"key\":\"$key\",\"seq\":$n,\"start\":$start,\"end\":$stop,\"ok\":true,\"value\":$value}"
  else
    echo "{\"op\":\"$op\",\"key\":\"$key\",\"seq\":$n,\"start\":$start,\"end\":$stop,\"ok\":true}"
  fi
}
while [ ! -e "$stopped" ] && [ "$(date +%s)" -lt "$end" ]; do
  seq=$((seq + 1))
  key="$seq:$LAB_KEY_PREFIX"
  run set "$key" "$seq" SET "$key" "$seq" && run get "$key" "$seq" GET "$key"
  sleep 0.05
done
