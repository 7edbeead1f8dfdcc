#!/usr/bin/env bash
# The smallest root filesystem the topogpu image needs from its base besides a JRE: the non-root
# user 65532 ("nonroot", as the manifests' runAsUser) and a writable /tmp. Used as is for the test
# base image of `./mvnw verify` (no JRE: that image's config and layers are checked, it is not run),
# and under the JRE by debian-jre-rootfs.sh.
#
#   minimal-rootfs.sh ROOTFS
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 ROOTFS" >&2; exit 2; }
root="$1"
mkdir -p "$root/etc" "$root/tmp" "$root/home/nonroot"
chmod 1777 "$root/tmp"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
