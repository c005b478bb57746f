"""Tests of the simulated site's artifact server (sim/hub/server.py).

The server runs as a subprocess on a free port against a temporary artifact tree: the weights sim/weights/build.sh
builds, a repository with one 24 MiB shard for resumed downloads, and a vendor-like static file. The Hub mirror is
proved with the real `hf` CLI of huggingface_hub (requirements-dev.txt), found next to this Python: missing, the
tests fail rather than skip, since nothing else proves that the mirror answers what the real client expects.
"""
import collections
import hashlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
SERVER = REPO / "sim" / "hub" / "server.py"
BUILD = REPO / "sim" / "weights" / "build.sh"
HF = Path(sys.executable).parent / "hf"
MODEL = "unsloth/gpt-oss-20b-BF16"
SHARDS = ["model-0000%d-of-00003.safetensors" % i for i in (1, 2, 3)]
BIG, BIG_FILE = "npuops-test/big-shard", "model-00001-of-00001.safetensors"
BIG_COMMIT = hashlib.sha1(b"npuops-test big-shard 1").hexdigest()
TWO = "npuops-test/two-revs"
# Over the client's 10 MiB DOWNLOAD_CHUNK_SIZE: http_get writes, and so resumes from, whole chunks only.
BIG_SIZE, CHUNK = 24 << 20, 10 << 20
STATIC = "/ascend/pkg.run"
STATIC_DATA = random.Random(3).randbytes(300_000)
PAGE = 4  # tree entries a page, so the listing of a model (10 files) takes three pages


Reply = collections.namedtuple("Reply", "status headers body complete")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git_blob(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(data):
    return b"version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (
        hashlib.sha256(data).hexdigest().encode(), len(data))


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    art = state / "artifacts"
    subprocess.run([str(BUILD), str(art / "models")], env=dict(os.environ, NPUOPS_SIM_STATE=str(state)),
                   check=True, capture_output=True)
    big = art / "models" / BIG / BIG_COMMIT
    big.mkdir(parents=True)
    (big / BIG_FILE).write_bytes(random.Random(7).randbytes(BIG_SIZE))
    (big / "config.json").write_text('{"model_type": "test"}\n')
    (big.parent / "refs").mkdir()
    (big.parent / "refs" / "stable").write_text(BIG_COMMIT + "\n")
    for n in (1, 2):  # two revisions and no refs/main: `main` names neither
        rev = art / "models" / TWO / hashlib.sha1(b"npuops-test two-revs %d" % n).hexdigest()
        rev.mkdir(parents=True)
        (rev / "config.json").write_text('{"revision": %d}\n' % n)
    (art / "ascend").mkdir()
    (art / STATIC.lstrip("/")).write_bytes(STATIC_DATA)
    return art


def commit_of(artifacts, repo=MODEL):
    (commit,) = [p.name for p in (artifacts / "models" / repo).iterdir()]
    return commit


class Server:
    def __init__(self, artifacts, *extra):
        self.art, self.state, self.port = artifacts, artifacts.parent, free_port()
        self.faults, self.log = self.state / "artifacts-faults.json", self.state / "artifacts-requests.jsonl"
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER), "--bind", "127.0.0.1", "--port", str(self.port), "--directory",
             str(artifacts), "--faults", str(self.faults), "--request-log", str(self.log),
             "--tree-page-size", str(PAGE), *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.url = "http://127.0.0.1:%d" % self.port
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + self.proc.stderr.read())
            try:
                if self.request("GET", "/").status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("server did not answer /")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def request(self, method, path, headers=None):
        """No redirect followed; a body cut short is returned as far as it came, with complete False."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            try:
                return Reply(resp.status, resp.headers, resp.read(), True)
            except http.client.IncompleteRead as exc:
                return Reply(resp.status, resp.headers, exc.partial, False)
        finally:
            conn.close()

    def entries(self):
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def entries_since(self, mark, until):
        """Log entries after `mark` once `until(entries)` holds: a line is written after its response is sent."""
        deadline = time.monotonic() + 5
        while True:
            entries = self.entries()[mark:]
            if until(entries) or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)


@pytest.fixture(scope="module")
def server(artifacts):
    srv = Server(artifacts)
    yield srv
    srv.stop()


@pytest.fixture
def faults(server):
    def write(*rules):
        server.faults.write_text(json.dumps({"drop": list(rules)}))
    yield write
    server.faults.unlink(missing_ok=True)


def hf(server, tmp_path, *args, token=None):
    assert HF.exists(), f"{HF} is missing: install requirements-dev.txt (huggingface_hub) into this Python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=server.url + "/hf", HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_UPDATE_CHECK="1",
               HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    if token:
        env["HF_TOKEN"] = token
    result = subprocess.run([str(HF), "download", *args], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    result.output = result.stdout + result.stderr
    return result


# ---- static files ----------------------------------------------------------------------------------------------

def test_root_is_listed(server):
    r = server.request("GET", "/")
    assert r.status == 200
    assert b'href="ascend/"' in r.body and b'href="models/"' in r.body


def test_whole_file_with_validators(server, artifacts):
    r = server.request("GET", STATIC)
    assert (r.status, r.body) == (200, STATIC_DATA)
    assert r.headers["Content-Length"] == str(len(STATIC_DATA))
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"].startswith('"') and r.headers["ETag"].endswith('"')
    assert r.headers["Last-Modified"] == formatdate((artifacts / STATIC.lstrip("/")).stat().st_mtime, usegmt=True)


@pytest.mark.parametrize("value, first, last", [
    ("bytes=0-0", 0, 0),
    ("bytes=100-199", 100, 199),
    ("bytes=65536-", 65536, 299_999),
    ("bytes=-500", 299_500, 299_999),
    ("bytes=299000-999999999", 299_000, 299_999),
])
def test_range_gives_206_and_the_slice(server, value, first, last):
    r = server.request("GET", STATIC, {"Range": value})
    assert r.status == 206
    assert r.body == STATIC_DATA[first:last + 1]
    assert r.headers["Content-Range"] == f"bytes {first}-{last}/300000"
    assert r.headers["Content-Length"] == str(last - first + 1)


@pytest.mark.parametrize("value", ["bytes=300000-", "bytes=-0"])
def test_unsatisfiable_range_is_416(server, value):
    r = server.request("GET", STATIC, {"Range": value})
    assert (r.status, r.body) == (416, b"")
    assert r.headers["Content-Range"] == "bytes */300000"


@pytest.mark.parametrize("value", ["bytes=0-1,5-6", "bytes=5-3", "items=0-1"])
def test_range_the_server_may_ignore_gives_the_whole_file(server, value):
    r = server.request("GET", STATIC, {"Range": value})
    assert (r.status, r.body) == (200, STATIC_DATA)


def test_if_range_of_another_version_gives_the_whole_file(server):
    etag = server.request("HEAD", STATIC).headers["ETag"]
    assert server.request("GET", STATIC, {"Range": "bytes=10-", "If-Range": etag}).status == 206
    r = server.request("GET", STATIC, {"Range": "bytes=10-", "If-Range": '"other"'})
    assert (r.status, r.body) == (200, STATIC_DATA)


def test_head_has_the_headers_of_get_and_no_body(server):
    got = server.request("GET", STATIC)
    head = server.request("HEAD", STATIC)
    assert (head.status, head.body) == (200, b"")
    for name in ("Content-Length", "ETag", "Last-Modified", "Accept-Ranges", "Content-Type"):
        assert head.headers[name] == got.headers[name], name


def test_conditional_get_answers_304_like_http_server(server, artifacts):
    head = server.request("HEAD", STATIC)
    r = server.request("GET", STATIC, {"If-None-Match": head.headers["ETag"]})
    assert (r.status, r.body) == (304, b"")
    assert server.request("GET", STATIC, {"If-Modified-Since": head.headers["Last-Modified"]}).status == 304
    mtime = (artifacts / STATIC.lstrip("/")).stat().st_mtime
    assert server.request("GET", STATIC, {"If-Modified-Since": formatdate(mtime - 10, usegmt=True)}).status == 200
    assert server.request("GET", STATIC, {"If-None-Match": '"other"'}).status == 200


def test_missing_file_is_404(server):
    assert server.request("GET", "/ascend/nothing.run").status == 404


# ---- faults and the request log ----------------------------------------------------------------------------------

def test_fault_drops_after_exact_bytes_once_then_serves_whole(server, faults):
    faults({"path": STATIC, "after_bytes": 65536, "times": 1})
    mark = len(server.entries())
    r = server.request("GET", STATIC)
    assert (r.status, r.headers["Content-Length"], r.complete) == (200, "300000", False)
    assert r.body == STATIC_DATA[:65536]
    assert json.loads(server.faults.read_text())["drop"][0]["times"] == 0

    # Only this file's lines: the line of an earlier test's request may be written after `mark` was taken.
    def mine(entries):
        return [e for e in entries if e["path"] == STATIC]
    server.entries_since(mark, lambda e: len(mine(e)) >= 1)  # so the two lines come in the order of the requests
    assert server.request("GET", STATIC).body == STATIC_DATA
    log = mine(server.entries_since(mark, lambda e: len(mine(e)) >= 2))
    assert [(e["method"], e["path"], e["status"], e["bytes_sent"], e["dropped"]) for e in log] == [
        ("GET", STATIC, 200, 65536, True), ("GET", STATIC, 200, 300_000, False)]
    assert log[0]["range"] is None and log[0]["client"] == "127.0.0.1" and log[0]["file"] == "ascend/pkg.run"


def test_fault_on_the_static_path_covers_the_hub_and_spares_ranges(server, faults, artifacts):
    commit = commit_of(artifacts)
    shard = artifacts / "models" / MODEL / commit / SHARDS[1]
    data = shard.read_bytes()
    faults({"path": f"/models/{MODEL}/{commit}/{SHARDS[1]}", "after_bytes": 4096, "times": 2})
    cdn = server.request("HEAD", f"/hf/{MODEL}/resolve/{commit}/{SHARDS[1]}").headers["Location"]
    r = server.request("GET", cdn)
    assert (r.status, r.body, r.complete) == (200, data[:4096], False)
    # A resumed (206) response is not a full-content one: it is served, and the rule keeps its last drop.
    r = server.request("GET", cdn, {"Range": "bytes=4096-"})
    assert (r.status, r.body, r.complete) == (206, data[4096:], True)
    assert json.loads(server.faults.read_text())["drop"][0]["times"] == 1
    r = server.request("GET", f"/models/{MODEL}/{commit}/{SHARDS[1]}")
    assert (r.status, r.body, r.complete) == (200, data[:4096], False)
    assert server.request("GET", cdn).body == data


def test_fault_with_partial_also_drops_ranges(server, faults):
    faults({"path": STATIC, "after_bytes": 10, "times": 1, "partial": True})
    r = server.request("GET", STATIC, {"Range": "bytes=1000-"})
    assert (r.status, r.body, r.complete) == (206, STATIC_DATA[1000:1010], False)


# ---- the Hub mirror, by hand -------------------------------------------------------------------------------------

def no_xet(headers):
    assert not [name for name in headers if name.lower().startswith("x-xet")]


def test_resolve_of_a_git_file(server, artifacts):
    commit = commit_of(artifacts)
    data = (artifacts / "models" / MODEL / commit / "config.json").read_bytes()
    r = server.request("HEAD", f"/hf/{MODEL}/resolve/{commit}/config.json")
    assert (r.status, r.body) == (200, b"")
    assert r.headers["X-Repo-Commit"] == commit
    assert r.headers["ETag"] == f'"{git_blob(data)}"'
    assert r.headers["Content-Length"] == str(len(data))
    no_xet(r.headers)
    r = server.request("GET", f"/hf/{MODEL}/resolve/{commit}/config.json", {"Range": "bytes=10-"})
    assert (r.status, r.body) == (206, data[10:])


def test_resolve_of_an_lfs_file_redirects_to_the_cdn(server, artifacts):
    commit = commit_of(artifacts)
    data = (artifacts / "models" / MODEL / commit / SHARDS[0]).read_bytes()
    r = server.request("HEAD", f"/hf/{MODEL}/resolve/main/{SHARDS[0]}")
    assert r.status == 302
    assert r.headers["X-Repo-Commit"] == commit
    assert r.headers["X-Linked-Etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert r.headers["X-Linked-Size"] == str(len(data))
    no_xet(r.headers)
    cdn = r.headers["Location"]
    assert cdn.startswith("/hf/")
    r = server.request("HEAD", cdn)
    assert r.status == 200
    assert (r.headers["X-Repo-Commit"], r.headers["Content-Length"]) == (commit, str(len(data)))
    assert r.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert f'filename="{SHARDS[0]}";' in r.headers["Content-Disposition"]
    no_xet(r.headers)
    r = server.request("GET", cdn, {"Range": "bytes=100-"})
    assert (r.status, r.body, r.headers["Content-Range"]) == (206, data[100:], f"bytes 100-{len(data) - 1}/{len(data)}")


def test_tree_is_paginated_and_describes_git_and_lfs_files(server, artifacts):
    commit = commit_of(artifacts)
    tree = artifacts / "models" / MODEL / commit
    url, entries, pages = f"/hf/api/models/{MODEL}/tree/{commit}?recursive=true&expand=false", [], 0
    while url:
        r = server.request("GET", url)
        assert r.status == 200
        page = json.loads(r.body)
        assert len(page) <= PAGE
        entries += page
        pages += 1
        link = r.headers.get("Link")
        url = link[link.index("/hf/"):link.index(">")] if link else None
        assert not link or link.endswith('>; rel="next"') and link.startswith(f"<{server.url}/hf/")
    assert pages == 3
    assert [e["path"] for e in entries] == sorted(p.name for p in tree.iterdir())
    for entry in entries:
        data = (tree / entry["path"]).read_bytes()
        assert (entry["type"], entry["size"]) == ("file", len(data))
        if entry["path"].endswith(".safetensors"):
            pointer = lfs_pointer(data)
            assert entry["oid"] == git_blob(pointer)
            assert entry["lfs"] == {"oid": hashlib.sha256(data).hexdigest(), "size": len(data),
                                    "pointerSize": len(pointer)}
        else:
            assert entry["oid"] == git_blob(data) and "lfs" not in entry


def test_tree_lists_folders_with_their_git_tree_id(server, artifacts):
    folder = artifacts / "models" / BIG / BIG_COMMIT / "original"
    folder.mkdir()
    try:
        (folder / "params.json").write_bytes(b"{}\n")
        r = server.request("GET", f"/hf/api/models/{BIG}/tree/{BIG_COMMIT}")
        (entry,) = [e for e in json.loads(r.body) if e["path"] == "original"]
        tree = b"100644 params.json\0" + bytes.fromhex(git_blob(b"{}\n"))
        assert entry == {"type": "directory", "path": "original", "size": 0,
                         "oid": hashlib.sha1(b"tree %d\0" % len(tree) + tree).hexdigest()}
        r = server.request("GET", f"/hf/api/models/{BIG}/tree/{BIG_COMMIT}/original")
        assert [e["path"] for e in json.loads(r.body)] == ["original/params.json"]
    finally:
        (folder / "params.json").unlink()
        folder.rmdir()


@pytest.mark.parametrize("repo, rev, commit", [(MODEL, "main", None), (BIG, "stable", BIG_COMMIT)])
def test_info_resolves_branches(server, artifacts, repo, rev, commit):
    r = server.request("GET", f"/hf/api/models/{repo}/revision/{rev}?blobs=true")
    info = json.loads(r.body)
    assert r.status == 200
    assert (info["id"], info["sha"]) == (repo, commit or commit_of(artifacts))
    assert {s["rfilename"] for s in info["siblings"]} >= {"config.json"}


@pytest.mark.parametrize("method, path, code, message", [
    ("GET", "/hf/api/models/nobody/nothing/tree/main", "RepoNotFound", "Repository not found"),
    ("GET", f"/hf/api/models/{MODEL}/tree/{'0' * 40}", "RevisionNotFound", f"Invalid rev id: {'0' * 40}"),
    ("GET", f"/hf/api/models/{TWO}/revision/main", "RevisionNotFound", "Invalid rev id: main"),
    ("GET", f"/hf/api/models/{BIG}/revision/v1", "RevisionNotFound", "Invalid rev id: v1"),
    ("HEAD", "/hf/nobody/nothing/resolve/main/config.json", "RepoNotFound", "Repository not found"),
    ("HEAD", f"/hf/{MODEL}/resolve/v9/config.json", "RevisionNotFound", "Invalid rev id: v9"),
    ("GET", f"/hf/{MODEL}/resolve/main/nothing.json", "EntryNotFound", "Entry not found"),
    ("HEAD", f"/hf/{MODEL}/resolve/main/../config.json", "EntryNotFound", "Entry not found"),
])
def test_hub_errors_are_the_hubs(server, method, path, code, message):
    r = server.request(method, path)
    assert (r.status, r.headers["X-Error-Code"], r.headers["X-Error-Message"]) == (404, code, message)
    if method == "GET":
        assert json.loads(r.body) == {"error": message}
    if code == "EntryNotFound":
        assert len(r.headers["X-Repo-Commit"]) == 40


# ---- the Hub mirror, with the real `hf download` -----------------------------------------------------------------

def test_cli_downloads_pinned_files(server, artifacts, tmp_path):
    commit = commit_of(artifacts)
    names = ["config.json", "tokenizer.json", *SHARDS]
    mark = len(server.entries())
    result = hf(server, tmp_path, MODEL, *names, "--revision", commit, "--local-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.output
    for name in names:
        assert sha256(tmp_path / "out" / name) == sha256(artifacts / "models" / MODEL / commit / name), name
    cdn = f"/hf/cdn-lfs/{MODEL}/{commit}/{SHARDS[0]}"
    paths = [e["path"] for e in server.entries_since(mark, lambda e: sum(x["path"] == cdn for x in e) == 2)]
    assert sum("/tree/" in p for p in paths) == 3  # every page of the listing was fetched
    assert paths.count(cdn) == 2  # HEAD and GET


def test_cli_downloads_one_file(server, artifacts, tmp_path):
    commit = commit_of(artifacts)
    result = hf(server, tmp_path, MODEL, SHARDS[2], "--revision", commit, "--local-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.output
    assert sha256(tmp_path / "out" / SHARDS[2]) == sha256(artifacts / "models" / MODEL / commit / SHARDS[2])
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name != ".cache"] == [SHARDS[2]]


def test_cli_resolves_main_through_repo_info(server, artifacts, tmp_path):
    mark = len(server.entries())
    result = hf(server, tmp_path, MODEL, "config.json", SHARDS[0], "--local-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.output
    assert sha256(tmp_path / "out" / SHARDS[0]) == sha256(artifacts / "models" / MODEL / commit_of(artifacts)
                                                          / SHARDS[0])
    assert f"/hf/api/models/{MODEL}/revision/main" in [e["path"] for e in server.entries()[mark:]]


@pytest.mark.parametrize("args, text", [
    ([MODEL, "config.json", SHARDS[0], "--revision", "0" * 40], "Revision not found in repository."),
    ([MODEL, "config.json", "--revision", "0" * 40], "Revision not found in repository."),
    (["nobody/nothing", "config.json", SHARDS[0], "--revision", "0" * 40], "Repository not found."),
    (["nobody/nothing", "config.json"], "Repository not found."),
    ([MODEL, "nothing.json", "--revision", "main"], "File not found in repository."),
])
def test_cli_reports_what_is_missing(server, tmp_path, args, text):
    result = hf(server, tmp_path, *args, "--local-dir", str(tmp_path / "out"))
    assert result.returncode != 0
    assert text in result.output


def test_cli_resumes_a_dropped_transfer(server, faults, artifacts, tmp_path):
    original = artifacts / "models" / BIG / BIG_COMMIT / BIG_FILE
    dropped_at = CHUNK + (2 << 20)
    faults({"path": f"/models/{BIG}/{BIG_COMMIT}/{BIG_FILE}", "after_bytes": dropped_at, "times": 1})
    mark = len(server.entries())
    result = hf(server, tmp_path, BIG, BIG_FILE, "--revision", BIG_COMMIT, "--local-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.output
    assert "Trying to resume download" in result.output
    assert sha256(tmp_path / "out" / BIG_FILE) == sha256(original)
    gets = [e for e in server.entries_since(mark, lambda e: any(x["range"] for x in e))
            if e["method"] == "GET" and e["file"] == os.path.relpath(original, artifacts)]
    assert [(e["status"], e["range"], e["dropped"]) for e in gets] == [
        (200, None, True), (206, f"bytes={CHUNK}-", False)]
    assert gets[0]["bytes_sent"] == dropped_at
    assert gets[1]["bytes_sent"] == BIG_SIZE - CHUNK
    assert sum(e["bytes_sent"] for e in gets) < 2 * BIG_SIZE


# ---- the token -----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def private_server(artifacts, tmp_path_factory):
    token = tmp_path_factory.mktemp("token") / "hub-token"
    token.write_text("hf_sim_secret\n")
    srv = Server(artifacts, "--token-file", str(token))
    yield srv
    srv.stop()


@pytest.mark.parametrize("authorization, message", [
    (None, "Invalid username or password."),
    ("Bearer hf_wrong", "Invalid credentials in Authorization header"),
])
def test_token_is_required_by_the_hub_only(private_server, artifacts, authorization, message):
    path = f"/hf/api/models/{MODEL}/revision/main"
    r = private_server.request("GET", path, {"Authorization": authorization} if authorization else {})
    assert (r.status, r.headers["X-Error-Message"], json.loads(r.body)) == (401, message, {"error": message})
    assert private_server.request("GET", path, {"Authorization": "Bearer hf_sim_secret"}).status == 200
    assert private_server.request("GET", STATIC).status == 200


def test_cli_with_the_token(private_server, artifacts, tmp_path):
    commit = commit_of(artifacts)
    args = [MODEL, "config.json", SHARDS[0], "--revision", commit, "--local-dir", str(tmp_path / "out")]
    wrong = hf(private_server, tmp_path, *args, token="hf_wrong")
    assert wrong.returncode != 0
    assert "Invalid credentials in Authorization header" in wrong.output
    right = hf(private_server, tmp_path, *args, token="hf_sim_secret")
    assert right.returncode == 0, right.output
    assert sha256(tmp_path / "out" / SHARDS[0]) == sha256(artifacts / "models" / MODEL / commit / SHARDS[0])


# ---- the role's pin tool against the mirror --------------------------------------------------------------------

PIN_TOOL = Path(__file__).resolve().parents[3] / "roles" / "model_weights" / "files" / "pin-revision.py"


def test_pin_revision_pins_every_file_by_its_content(server, artifacts, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=server.url + "/hf", HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_PROGRESS_BARS="1")
    out = subprocess.run([sys.executable, str(PIN_TOOL), MODEL], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    pins = yaml.safe_load(out)
    commit = commit_of(artifacts)
    revision = artifacts / "models" / MODEL / commit
    assert (pins["model_weights_repo"], pins["model_weights_revision"]) == (MODEL, commit)
    assert pins["model_weights_files"] == [
        {"name": p.name, "sha256": sha256(p), "size": p.stat().st_size}
        for p in sorted(revision.iterdir(), key=lambda p: p.name) if p.is_file()]


def test_pin_revision_refuses_a_revision_the_hub_does_not_have(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(HF_ENDPOINT=server.url + "/hf", HF_HOME=str(tmp_path / "hf-home"))
    result = subprocess.run([sys.executable, str(PIN_TOOL), MODEL, "--revision", "no-such-branch"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "RevisionNotFound" in result.stderr + result.stdout
