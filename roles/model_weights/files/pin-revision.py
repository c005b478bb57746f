# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the model_weights pins of a Hugging Face revision: repository, commit id, and every file with its sha256
and size, as YAML the role reads (model_weights_repo, model_weights_revision, model_weights_files).

    HF_ENDPOINT=https://hf-mirror.com <hf-cli venv>/bin/python pin-revision.py unsloth/gpt-oss-20b-BF16 \
        [--revision main] [--include '*.json' ...] > weights.yml

Needs huggingface_hub (the role's hf CLI virtualenv has it). A branch or tag is resolved to its commit once, here,
so that the pins never move. For LFS files (the weights) the Hub's tree gives the sha256 and size; the small files
are downloaded into a temporary directory and hashed, since the Hub lists only their git blob id.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import sys
import tempfile

from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.hf_api import RepoFile

# What serving needs from a gpt-oss repository; the rest (README, .gitattributes, original/ checkpoints) is skipped.
DEFAULT_INCLUDE = ["*.json", "*.safetensors", "*.jinja", "*.model", "*.tiktoken", "*.txt"]
DEFAULT_EXCLUDE = ["original/*", "metal/*"]


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def wanted(path: str, include: list[str], exclude: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) for p in include) and not any(fnmatch.fnmatch(path, p) for p in exclude)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("repo", help="<owner>/<name>")
    parser.add_argument("--revision", default="main", help="branch, tag or commit id (default: main)")
    parser.add_argument("--include", action="append", help="glob of files to pin (repeatable)")
    parser.add_argument("--exclude", action="append", help="glob of files to leave out (repeatable)")
    args = parser.parse_args()
    include, exclude = args.include or DEFAULT_INCLUDE, args.exclude or DEFAULT_EXCLUDE

    api = HfApi()
    commit = api.repo_info(args.repo, revision=args.revision).sha
    files = sorted((f for f in api.list_repo_tree(args.repo, revision=commit, recursive=True)
                    if isinstance(f, RepoFile) and wanted(f.path, include, exclude)), key=lambda f: f.path)
    if not files:
        print("pin-revision: no file of %s@%s matches %s" % (args.repo, commit, include), file=sys.stderr)
        return 1
    pins = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            if f.lfs is not None:
                pins.append((f.path, f.lfs.sha256, f.lfs.size))
            else:
                local = hf_hub_download(args.repo, f.path, revision=commit, local_dir=tmp)
                pins.append((f.path, sha256_of(local), f.size))
    print("---")
    print("# Pinned by pin-revision.py from %s@%s (%s)." % (args.repo, args.revision, api.endpoint))
    print("model_weights_repo: %s" % args.repo)
    print('model_weights_revision: "%s"' % commit)
    print("model_weights_files:")
    for name, sha256, size in pins:
        print('  - {name: %s, sha256: "%s", size: %d}' % (name, sha256, size))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HfHubHTTPError as exc:
        # The Hub's own words (repository, revision or file not found, gated, bad token) without a traceback.
        print("pin-revision: %s: %s" % (type(exc).__name__, " ".join(str(exc).split())), file=sys.stderr)
        sys.exit(2)
