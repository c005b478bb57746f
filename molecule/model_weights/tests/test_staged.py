"""mol-mw-a and mol-mw-b (from the artifact server through the controller cache), mol-mw-hub (from the simulated
Hugging Face mirror through the hf CLI) and mol-mw-ctl (from a controller
directory) hold the pinned revision, each file with its sha256, the tokenizer files, and nothing else."""
import json

from conftest import tree

testinfra_hosts = ["ansible://mw_fetch_once", "ansible://mw_hub", "ansible://mw_ctl"]
ROOT = "/var/lib/npuops"
REPO_DIR = "unsloth--gpt-oss-20b-BF16"


def listing(host, paths):
    """{path: (sha256, size, owner, group, mode)} in two commands, however many files."""
    sums = dict(reversed(ln.split(None, 1)) for ln in host.check_output("sha256sum " + " ".join(paths)).splitlines())
    stats = [ln.split() for ln in host.check_output("stat -c '%n %s %U %G %a' " + " ".join(paths)).splitlines()]
    return {p: (sums[p], int(size), user, group, mode) for p, size, user, group, mode in stats}


def test_every_pinned_file_is_staged_with_its_sha256(host, manifest):
    base = f"{ROOT}/models/{REPO_DIR}/{manifest['model_weights_revision']}"
    files = {f"{base}/{f['name']}": f for f in manifest["model_weights_files"]}
    assert listing(host, files) == {p: (f["sha256"], f["size"], "root", "root", "644") for p, f in files.items()}


def test_tokenizer_files_are_staged_with_their_sha256(host, manifest):
    files = {f"{ROOT}/tiktoken/{f['name']}": f for f in manifest["model_weights_tiktoken_files"]}
    assert listing(host, files) == {p: (f["sha256"], f["size"], "root", "root", "644") for p, f in files.items()}


def test_current_points_at_the_revision(host, manifest):
    link = host.file(f"{ROOT}/models/{REPO_DIR}/current")
    assert link.is_symlink and link.linked_to == f"{ROOT}/models/{REPO_DIR}/{manifest['model_weights_revision']}"


def test_record_vouches_for_every_file(host, manifest):
    rev = manifest["model_weights_revision"]
    record = json.loads(host.file(f"{ROOT}/models/.verified/{REPO_DIR}/{rev}.json").content_string)
    assert record["path"] == f"{ROOT}/models/{REPO_DIR}/{rev}"
    assert {n: (e["sha256"], e["size"]) for n, e in record["files"].items()} == {
        f["name"]: (f["sha256"], f["size"]) for f in manifest["model_weights_files"]}


def test_nothing_else_is_written(host, manifest):
    rev = manifest["model_weights_revision"]
    expected = [
        "models d", "models/.partial d", "models/.verified d", f"models/.verified/{REPO_DIR} d",
        f"models/.verified/{REPO_DIR}/{rev}.json f", f"models/{REPO_DIR} d", f"models/{REPO_DIR}/current l",
        f"models/{REPO_DIR}/{rev} d", "tiktoken d",
    ] + [f"models/{REPO_DIR}/{rev}/{f['name']} f" for f in manifest["model_weights_files"]] + [
        f"tiktoken/{f['name']} f" for f in manifest["model_weights_tiktoken_files"]]
    assert tree(host, ROOT) == sorted(expected)


def test_no_transfer_left_behind(host):
    # Copies go through <model_weights_dir>/.partial (empty, checked above), not the login's tmp directory.
    assert host.run("find /root/.ansible/tmp -type f -size +100k | grep -q .").rc != 0
