#!/usr/bin/env bash
# Build the simulated Atlas host image: Debian with systemd and python3, made by debootstrap and `docker import`.
# The image is tagged with a hash of everything that goes into it, so a second run finds it and builds nothing.
# Prints the image reference on the last line of stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${SIM_DEBIAN_SUITE:-bookworm}
repo=${SIM_HOST_IMAGE_REPO:-npuops-sim/host}

# The mirror is the one this machine's apt already uses, so the image builds wherever apt works.
mirror=${SIM_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
           | grep -v -- '-security' | head -n 1 | awk '{print $2}' || true)
fi
if [ -z "$mirror" ]; then
  echo "build-host-image: no Debian mirror found in /etc/apt; set SIM_DEBIAN_MIRROR" >&2
  exit 1
fi

packages=$(grep -vE '^\s*(#|$)' "$here/host-packages.txt" | paste -sd, -)
hash=$( { cat "$0" "$here/host-packages.txt" "$here/rootfs-setup.sh"; echo "$suite $mirror $(uname -m)"; } | sha256sum | cut -c1-16)
ref="$repo:$hash"

if docker image inspect "$ref" >/dev/null 2>&1; then
  echo "build-host-image: $ref is up to date" >&2
  docker tag "$ref" "$repo:latest"
  echo "$ref"
  exit 0
fi

"$here/../bin/apt-ensure.sh" debootstrap

work=$(mktemp -d /var/tmp/npuops-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "build-host-image: debootstrap $suite from $mirror (a few minutes)" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}
SUITE=$suite MIRROR=$mirror bash "$here/rootfs-setup.sh" "$work/rootfs"

echo "build-host-image: importing $ref" >&2
tar -C "$work/rootfs" --numeric-owner -c . | docker import \
  -c 'ENV container=docker' \
  -c 'CMD ["/sbin/init"]' \
  -m "npuops simulated host ($suite)" - "$ref" >/dev/null
docker tag "$ref" "$repo:latest"
echo "$ref"
