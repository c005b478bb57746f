#!/usr/bin/env bash
# Build small stand-ins for the gpt-oss weights and tiktoken files, and their manifests.
#
#   sim/weights/build.sh [OUTDIR]
#
# OUTDIR defaults to $NPUOPS_SIM_STATE/artifacts/models, which the site's artifact server publishes as
# http://<gateway>:8088/models/. Layout and contents: sim/weights/README.md. Deterministic: the same
# inputs give the same bytes (and sha256s) in any OUTDIR. A second run with the same inputs prints
# "nothing rebuilt" and touches nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures=$repo/tests/unit/sim/fixtures/vllm
out=${1:-${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}/artifacts/models}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Everything the bytes depend on: this script, the generator, the published configs it copies.
inputs_hash() {
  (
    cd "$repo"
    sha256sum sim/weights/build.sh sim/weights/make_weights.py \
      "${fixtures#"$repo"/}"/*/config.json "${fixtures#"$repo"/}"/*/model.safetensors.index.json
    python3 -c 'import json, sys; print(sys.version_info[:2], json.__version__)'
  ) | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)
stamp=$out/.inputs.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -f "$out/SHA256SUMS" ] &&
   (cd "$out" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1); then
  echo "build.sh: inputs unchanged (${hash:0:12}), nothing rebuilt in $out"
  exit 0
fi

umask 022
list=$(mktemp)
trap 'rm -f "$list"' EXIT
python3 "$here/make_weights.py" "$fixtures" "$out" > "$list"
# Files of an older build that this one no longer writes must not linger (a changed revision, say).
if [ -f "$out/SHA256SUMS" ]; then
  (cd "$out" && awk '{print $2}' SHA256SUMS) | { grep -vxF -f "$list" || true; } | while read -r old; do
    rm -f "$out/$old"
    rmdir -p --ignore-fail-on-non-empty "$(dirname "$out/$old")" 2>/dev/null || true
  done
fi
(cd "$out" && xargs -d '\n' sha256sum < "$list") > "$out/SHA256SUMS.tmp"
mv "$out/SHA256SUMS.tmp" "$out/SHA256SUMS"
echo "$hash" > "$stamp"
echo "build.sh: built $(wc -l < "$list") files in $out (inputs ${hash:0:12}); manifests: $out/manifest*.yml"
