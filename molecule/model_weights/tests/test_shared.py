"""mol-mw-shared was pointed at the share: the share is exactly as prepare left it, and only the tokenizer files
and the verification record were written on the host."""
from conftest import photo_unchanged, tree

testinfra_hosts = ["ansible://mw_shared"]
REPO_DIR = "unsloth--gpt-oss-20b-BF16"


def test_share_is_untouched(host):
    assert photo_unchanged(host, "/mnt/models")


def test_only_tokenizer_files_and_the_record_are_written(host, manifest):
    rev = manifest["model_weights_revision"]
    expected = [
        "models d", "models/.partial d", "models/.verified d", f"models/.verified/{REPO_DIR} d",
        f"models/.verified/{REPO_DIR}/{rev}.json f", "tiktoken d",
    ] + [f"tiktoken/{f['name']} f" for f in manifest["model_weights_tiktoken_files"]]
    assert tree(host, "/var/lib/npuops") == sorted(expected)


def test_tokenizer_files_have_their_sha256(host, manifest):
    for f in manifest["model_weights_tiktoken_files"]:
        assert host.file(f"/var/lib/npuops/tiktoken/{f['name']}").sha256sum == f["sha256"]
