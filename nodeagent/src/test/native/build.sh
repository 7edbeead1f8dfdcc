#!/bin/sh
# Builds the fake NVML library twice into $1 (nodeagent/target/native): a current driver
# (libnvidia-ml.so.1) and an old one lacking newer entry points (old-driver/libnvidia-ml.so.1).
# Without gcc it prints why and exits 0: the *IT tests that need the library then skip themselves.
out="$1"
src="$(dirname "$0")/fake_nvml.c"
if ! command -v gcc >/dev/null 2>&1; then
  echo "[fake-nvml] gcc not found: not building the fake libnvidia-ml.so.1; NVML integration tests will be skipped"
  exit 0
fi
mkdir -p "$out/old-driver"
gcc -shared -fPIC -O1 -Wall -Wextra -Werror -o "$out/libnvidia-ml.so.1" "$src" &&
gcc -shared -fPIC -O1 -Wall -Wextra -Werror -DFAKE_OLD_DRIVER -o "$out/old-driver/libnvidia-ml.so.1" "$src" &&
echo "[fake-nvml] built $out/libnvidia-ml.so.1 and $out/old-driver/libnvidia-ml.so.1"
