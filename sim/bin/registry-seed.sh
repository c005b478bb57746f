#!/usr/bin/env bash
# Push a tiny image (one file, no OS) to the simulated registry as npuops-sim/hello:1, so hosts can prove a login
# and a pull without moving hundreds of MB. Idempotent: does nothing when the registry already has it.
set -euo pipefail
state=${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}
port=${SIM_REGISTRY_PORT:-5000}
user=${SIM_REGISTRY_USER:-npuops}
registry=127.0.0.1:$port
ref=$registry/npuops-sim/hello:1
pwfile=$state/registry/password

status=$(curl -s -o /dev/null -w '%{http_code}' -u "$user:$(cat "$pwfile")" \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$registry/v2/npuops-sim/hello/manifests/1")
if [ "$status" = 200 ]; then
  echo "registry-seed: $ref present"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "hello from the npuops simulated registry" > "$work/hello.txt"
tar -C "$work" -cf "$work/hello.tar" hello.txt
docker import -c 'CMD ["/hello.txt"]' "$work/hello.tar" "$ref" >/dev/null
# The password goes through stdin, never the command line or the log.
docker login --username "$user" --password-stdin "$registry" < "$pwfile" >/dev/null
docker push "$ref" >/dev/null
echo "registry-seed: pushed $ref"
