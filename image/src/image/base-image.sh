#!/usr/bin/env bash
# Builds the base image tarball Jib builds the topogpu image on (called by the image module's build).
#
#   base-image.sh test-base  OUT.tar   the non-root user and /tmp only, no JRE: for checking the
#                                      image's config and layers in ./mvnw verify (never run)
#   base-image.sh debian-jre OUT.tar   + OpenJDK 17 JRE from Debian packages (needs a Debian mirror);
#                                      reused when OUT.tar exists (delete it to rebuild)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kind="$1" out="$2"
jre=/usr/lib/jvm/java-17-openjdk-amd64
path="PATH=$jre/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
work="$(dirname "$out")/$kind"
case "$kind" in
  test-base)
    rm -rf "$work"
    "$here/minimal-rootfs.sh" "$work/rootfs"
    "$here/make-base-image.sh" "$work/rootfs" "$out" topogpu-base:test "$path"
    ;;
  debian-jre)
    if [[ -f "$out" ]]; then
      echo "base image $out exists: reused"
      exit 0
    fi
    rm -rf "$work"
    "$here/debian-jre-rootfs.sh" "$work/rootfs" "$work/debs"
    "$here/make-base-image.sh" "$work/rootfs" "$out" topogpu-base:debian-jre17 "$path" "JAVA_HOME=$jre" \
      "LANG=C.UTF-8"
    ;;
  *)
    echo "usage: $0 test-base|debian-jre OUT.tar" >&2
    exit 2
    ;;
esac
