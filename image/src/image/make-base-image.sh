#!/usr/bin/env bash
# Packs a root filesystem folder into a one-layer image tarball in `docker save` format
# (manifest.json + config + layer), the format Jib reads as a `tar://` base image and that
# `docker load` / `ctr images import` accept. No Docker daemon or registry is involved.
#
#   make-base-image.sh ROOTFS OUT.tar TAG [ENV=VALUE...]
#
# The layer is reproducible: entries sorted, owned by 0:0, mtime fixed to SOURCE_DATE_EPOCH (default 0).
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 ROOTFS OUT.tar TAG [ENV=VALUE...]" >&2; exit 2; }
rootfs="$1" out="$2" tag="$3"
shift 3
[[ -d "$rootfs" ]] || { echo "$0: rootfs $rootfs is not a folder" >&2; exit 2; }
epoch="${SOURCE_DATE_EPOCH:-0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$rootfs" -cf "$work/layer.tar" .
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir "$work/$layer_sha"
mv "$work/layer.tar" "$work/$layer_sha/layer.tar"

env_json=""
for kv in "$@"; do
  env_json+="${env_json:+,}\"${kv//\"/\\\"}\""
done
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"Env":[%s]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"topogpu image/src/image/make-base-image.sh"}]}' \
  "$created" "$env_json" "$layer_sha" "$created" >"$work/config.json"
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_sha" "$tag" "$layer_sha" \
  >"$work/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$work" -cf "$out" \
  manifest.json "$config_sha.json" "$layer_sha"
echo "base image $tag: $out (layer sha256:$layer_sha)"
