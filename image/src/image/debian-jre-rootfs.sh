#!/usr/bin/env bash
# Assembles a JRE root filesystem from Debian packages: openjdk-17-jre-headless and everything it
# depends on (no recommends), downloaded with apt-get from the machine's configured Debian mirror
# and unpacked with dpkg-deb (no maintainer scripts run). The Java trust store, which
# ca-certificates-java would generate, is built from the unpacked Mozilla CA certificates with
# keytool. Needs apt-get, dpkg-deb and a JDK's keytool on PATH; run on Debian 12 (bookworm) for
# the bookworm JRE.
#
#   debian-jre-rootfs.sh ROOTFS [DOWNLOADS]
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 ROOTFS [DOWNLOADS]" >&2; exit 2; }
root="$1"
debs="${2:-$(dirname "$root")/debs}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$root" "$debs"

packages="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances openjdk-17-jre-headless | grep -E '^[a-z0-9]' | sort -u)"
(cd "$debs" && apt-get download $packages >/dev/null)
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$root"
done
"$here/minimal-rootfs.sh" "$root"
# The dynamic loader cache ldconfig would write at install time (the JRE also finds its own
# libraries through RPATH $ORIGIN, which needs /proc, as every container runtime mounts it).
ldconfig -r "$root" 2>/dev/null || echo "$0: ldconfig -r failed; the loader falls back to its default paths" >&2

jre="$root/usr/lib/jvm/java-17-openjdk-amd64"
[[ -x "$jre/bin/java" ]] || { echo "$0: no java in $jre after unpacking" >&2; exit 1; }
store="$root/etc/ssl/certs/java/cacerts"
mkdir -p "$(dirname "$store")"
rm -f "$store"
n=0
for crt in "$root"/usr/share/ca-certificates/mozilla/*.crt; do
  alias="$(basename "$crt" .crt | tr 'A-Z ' 'a-z_')"
  keytool -importcert -noprompt -storetype pkcs12 -keystore "$store" -storepass changeit -alias "$alias" \
    -file "$crt" >/dev/null 2>&1
  n=$((n + 1))
done
echo "JRE rootfs $root: $(ls "$debs" | wc -l) packages, $n CA certificates in the trust store"
