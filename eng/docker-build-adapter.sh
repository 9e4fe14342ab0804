#!/bin/sh
# Installed by eng/setup.sh only where the main docker CLI lacks the buildx plugin.
# Aspire's DCP needs a docker CLI >= 25 (@MAIN_CLI@) but builds images with
# `docker build --progress plain`, which such a CLI accepts only through buildx.
# Debian's older CLI (@BUILD_CLI@) runs that build with its built-in BuildKit, so only `build` goes there.
#
# It runs those two CLIs and nothing else: absolute paths fixed when eng/setup.sh installed it, each a file only root
# can change (owned by root, not group- or world-writable, in folders likewise up to /). It checks that again before
# every run, with stat by its absolute path, so no file on PATH or in a folder a user can write stands in for them.
main_cli='@MAIN_CLI@'
build_cli='@BUILD_CLI@'
# The two CLIs and every folder above them (setup allows no space in these paths).
checked='@CHECKED@'

refuse() {
  echo "docker build adapter $0: $1; re-run eng/setup.sh" >&2
  exit 126
}
# shellcheck disable=SC2086 # $checked is a list of paths without spaces, one word each
owners_and_modes=$(/usr/bin/stat -c '%u:%a' -- $checked) || refuse "cannot check $checked"
for entry in $owners_and_modes; do
  mode=${entry#*:}
  [ "${entry%%:*}" = 0 ] && [ $((0$mode & 022)) -eq 0 ] ||
    refuse "a CLI it runs, or a folder above one, is no longer root's alone (checked: $checked)"
done

if [ "${1-}" = "build" ]; then
  DOCKER_BUILDKIT=1 exec "$build_cli" "$@"
fi
exec "$main_cli" "$@"
