#!/bin/sh
# Installed by eng/setup.sh only where the main docker CLI lacks the buildx plugin.
# Aspire's DCP needs a docker CLI >= 25 (@MAIN_CLI@) but builds images with
# `docker build --progress plain`, which such a CLI accepts only through buildx.
# Debian's older CLI (@BUILD_CLI@) runs that build with its built-in BuildKit, so only `build` goes there.
if [ "$1" = "build" ]; then
  DOCKER_BUILDKIT=1 exec @BUILD_CLI@ "$@"
fi
exec @MAIN_CLI@ "$@"
