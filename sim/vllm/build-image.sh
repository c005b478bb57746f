#!/usr/bin/env bash
# Build the stand-in vllm-ascend image and tag it the way the real one is tagged:
#   <registry>/ascend/vllm-ascend:<ver>, <ver>-openeuler, <ver>-a3, <ver>-a3-openeuler
# for each requested vllm-ascend version (all four tags are the same stand-in). Each version's image
# is also tagged npuops-sim/vllm-ascend:<hash of its inputs>, so a second run builds nothing.
# With --push it logs in to the registry (password read from a file, never echoed) and pushes.
# Prints the pushed or tagged references on stdout, one per line.
#
# usage: build-image.sh [--registry HOST:PORT] [--version vX.Y.Z]... [--push [--user NAME] [--password-file PATH]]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
registry=127.0.0.1:5000
versions=()
push=false
user=${SIM_REGISTRY_USER:-npuops}
password_file=${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}/registry/password
base=${SIM_HOST_IMAGE:-npuops-sim/host:latest}
repo=npuops-sim/vllm-ascend

while [ $# -gt 0 ]; do
  case $1 in
    --registry) registry=$2; shift 2 ;;
    --version) versions+=("$2"); shift 2 ;;
    --push) push=true; shift ;;
    --user) user=$2; shift 2 ;;
    --password-file) password_file=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# v0.18.0rc1 is the default pin (the gpt-oss-20b recipe); v0.20.2rc1 serves the A3/120b example and upgrades.
[ ${#versions[@]} -gt 0 ] || versions=(v0.18.0rc1 v0.20.2rc1)

if ! base_id=$(docker image inspect -f '{{.Id}}' "$base" 2>/dev/null); then
  echo "build-image: base image $base not found; run sim/image/build-host-image.sh first" >&2
  exit 1
fi

refs=()
for ver in "${versions[@]}"; do
  [[ $ver =~ ^v[0-9]+\.[0-9]+\.[0-9]+([a-z0-9.]*)$ ]] || { echo "build-image: version $ver is not like v0.13.0" >&2; exit 2; }
  ascend=${ver#v}
  # The release's vLLM base from the recorded mapping (flags/bases.json, with its sources), and that
  # version's dumped parser, which the stand-in builds `vllm serve` from.
  if ! vllm=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["vllm"])' \
      "$here/flags/bases.json" "$ver" 2>/dev/null); then
    echo "build-image: $ver has no vLLM base in $here/flags/bases.json (add it with its source)" >&2
    exit 2
  fi
  if [ ! -f "$here/flags/vllm-$vllm.json" ]; then
    echo "build-image: no dumped parser $here/flags/vllm-$vllm.json for $ver: run sim/vllm/flags/dump_flags.py $vllm" >&2
    exit 2
  fi
  hash=$( { cat "$0" "$here/Dockerfile" "$here/vllm" "$here/flags/bases.json" "$here"/flags/vllm-*.json
            echo "$base_id $ver"; } | sha256sum | cut -c1-16)
  ref=$repo:$hash
  if docker image inspect "$ref" >/dev/null 2>&1; then
    echo "build-image: $ref ($ver) is up to date" >&2
  else
    echo "build-image: building $ref ($ver) from $base" >&2
    docker build -q --build-arg "BASE=$base" --build-arg "VLLM_VERSION=$vllm" --build-arg "VLLM_ASCEND_VERSION=$ascend" \
      --label "io.npuops.sim.inputs=$hash" -t "$ref" "$here" >/dev/null
  fi
  for suffix in "" -openeuler -a3 -a3-openeuler; do
    docker tag "$ref" "$registry/ascend/vllm-ascend:$ver$suffix"
    refs+=("$registry/ascend/vllm-ascend:$ver$suffix")
  done
done

if $push; then
  if [ ! -r "$password_file" ]; then
    echo "build-image: cannot read the registry password file $password_file" >&2
    exit 1
  fi
  # Only a failed login is worth showing (the success output warns about unencrypted storage).
  if ! out=$(docker login --username "$user" --password-stdin "$registry" < "$password_file" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  for r in "${refs[@]}"; do
    docker push -q "$r" >/dev/null
    echo "build-image: pushed $r" >&2
  done
fi
printf '%s\n' "${refs[@]}"
