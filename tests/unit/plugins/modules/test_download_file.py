"""npuops.gptoss.download_file against a real HTTP server on localhost that can break transfers."""
from __future__ import annotations

import hashlib
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.modules import download_file
from module_docs import assert_documented_as_specified
from npu_host_fakes import run_module

BODY = bytes(range(256)) * 1200  # 300 KiB, not a multiple of the module's 1 MiB chunk
PIN = hashlib.sha256(BODY).hexdigest()


class Server:
    """Serves BODY at /file with Range support; ``behaviour`` changes how, per test."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.drops: list[int] = []  # each entry: cut the next full answer after this many bytes
        self.ignore_range = False
        self.wrong_offset: int | None = None  # answer ranged requests from this byte instead
        self.extra = b""  # sent after the file, beyond Content-Length's promise
        self.redirect_to: str | None = None  # /file answers 302 to this URL
        self.fail_with: list[int] = []  # statuses to answer before serving
        self.body = BODY
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                rng = self.headers.get("Range")
                outer.requests.append({"path": self.path, "range": rng, "auth": self.headers.get("Authorization")})
                if self.path == "/file" and outer.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", outer.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path not in ("/file", "/cdn/file"):
                    self.send_error(404)
                    return
                if outer.fail_with:
                    self.send_error(outer.fail_with.pop(0))
                    return
                body, total = outer.body, len(outer.body)
                start = 0
                if rng and not outer.ignore_range:
                    start = int(rng.split("=")[1].rstrip("-"))
                    if start >= total:
                        self.send_response(416)
                        self.send_header("Content-Range", "bytes */%d" % total)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if outer.wrong_offset is not None:
                        start = outer.wrong_offset
                    self.send_response(206)
                    self.send_header("Content-Range", "bytes %d-%d/%d" % (start, total - 1, total))
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(total - start))
                self.end_headers()
                part = body[start:]
                if outer.drops:
                    part = part[:outer.drops.pop(0)]
                    self.wfile.write(part)
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(part + outer.extra)
                if outer.extra:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/file" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def run(args: dict, check_mode: bool = False) -> dict:
    return run_module(download_file.main, dict(args), check_mode)


def args_for(server: Server, tmp_path: Path, **extra) -> dict:
    return {"url": server.url, "dest": str(tmp_path / "model.safetensors"), "sha256": PIN, "size": len(BODY), **extra}


def test_download_then_nothing_to_do(server, tmp_path):
    result = run(args_for(server, tmp_path, mode="0640"))
    assert (result["changed"], result["downloaded_bytes"], result["resumed_from"], result["size"]) == (
        True, len(BODY), 0, len(BODY))
    assert (tmp_path / "model.safetensors").read_bytes() == BODY
    assert oct((tmp_path / "model.safetensors").stat().st_mode & 0o777) == "0o640"
    assert os.listdir(tmp_path / ".partial") == []
    again = run(args_for(server, tmp_path, mode="0640"))
    assert (again["changed"], again["downloaded_bytes"], again["attempts"]) == (False, 0, 0)
    assert len(server.requests) == 1


def test_broken_transfer_resumes_in_the_same_run(server, tmp_path):
    server.drops = [65536, 100000]
    result = run(args_for(server, tmp_path))
    assert result["changed"] is True and "failed" not in result
    assert [r["range"] for r in server.requests] == [None, "bytes=65536-", "bytes=165536-"]
    assert result["downloaded_bytes"] == len(BODY)  # nothing fetched twice
    assert (result["attempts"], result["resumed_from"]) == (3, 65536)
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_partial_is_kept_and_the_next_run_resumes(server, tmp_path):
    server.drops = [40000]
    failed = run(args_for(server, tmp_path, retries=0))
    assert failed["failed"] is True
    assert "40000 bytes received are kept" in failed["msg"] and server.url in failed["msg"]
    assert not (tmp_path / "model.safetensors").exists()
    assert (tmp_path / ".partial" / (PIN + ".part")).stat().st_size == 40000
    result = run(args_for(server, tmp_path, retries=0))
    assert (result["changed"], result["resumed_from"], result["downloaded_bytes"]) == (True, 40000, len(BODY) - 40000)
    assert server.requests[-1]["range"] == "bytes=40000-"
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_server_ignoring_range_replaces_the_partial(server, tmp_path):
    server.drops = [50000]
    server.ignore_range = True
    result = run(args_for(server, tmp_path))
    assert result["changed"] is True and "failed" not in result
    assert (tmp_path / "model.safetensors").read_bytes() == BODY
    assert result["resumed_from"] == 0


@pytest.mark.parametrize("answered_from", [0, 20000, 60000])
def test_answer_from_the_wrong_offset_is_not_appended(server, tmp_path, answered_from):
    server.drops = [50000]
    server.wrong_offset = answered_from
    result = run(args_for(server, tmp_path))
    assert "failed" not in result
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_bytes_beyond_the_file_are_not_written(server, tmp_path):
    server.extra = b"\0" * 5000
    result = run(args_for(server, tmp_path))
    assert "failed" not in result and result["downloaded_bytes"] == len(BODY)
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_headers_do_not_follow_a_redirect_to_another_host(server, tmp_path):
    cdn = Server()
    try:
        # Same server, other host name: 127.0.0.1 and localhost are different origins.
        server.redirect_to = cdn.url.replace("127.0.0.1", "localhost").replace("/file", "/cdn/file")
        result = run(args_for(server, tmp_path, headers={"Authorization": "Bearer s3cret-token"}))
        assert "failed" not in result and (tmp_path / "model.safetensors").read_bytes() == BODY
        assert server.requests[0]["auth"] == "Bearer s3cret-token"
        assert [r["auth"] for r in cdn.requests] == [None]
    finally:
        cdn.close()


def test_a_redirect_on_the_same_host_keeps_the_headers(server, tmp_path):
    server.redirect_to = "/cdn/file"
    result = run(args_for(server, tmp_path, headers={"Authorization": "Bearer s3cret-token"}))
    assert "failed" not in result
    assert [(r["path"], r["auth"]) for r in server.requests] == [
        ("/file", "Bearer s3cret-token"), ("/cdn/file", "Bearer s3cret-token")]


def test_complete_partial_is_moved_into_place_on_416(server, tmp_path):
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / (PIN + ".part")).write_bytes(BODY)
    result = run(args_for(server, tmp_path, size=None))
    assert "failed" not in result and result["downloaded_bytes"] == 0
    assert [r["range"] for r in server.requests] == ["bytes=%d-" % len(BODY)]
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_complete_partial_of_the_pinned_size_needs_no_request(server, tmp_path):
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / (PIN + ".part")).write_bytes(BODY)
    result = run(args_for(server, tmp_path))
    assert "failed" not in result and (result["downloaded_bytes"], result["attempts"]) == (0, 0)
    assert server.requests == []
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_stale_partial_of_other_bytes_is_discarded_and_the_pin_decides(server, tmp_path):
    (tmp_path / ".partial").mkdir()
    (tmp_path / ".partial" / (PIN + ".part")).write_bytes(b"x" * 1000)
    failed = run(args_for(server, tmp_path))
    # The resumed file is 1000 wrong bytes + the rest: its sha256 is wrong, so it is thrown away.
    assert failed["failed"] is True and "discarded" in failed["msg"] and PIN in failed["msg"]
    assert not (tmp_path / ".partial" / (PIN + ".part")).exists()
    assert run(args_for(server, tmp_path))["changed"] is True
    assert (tmp_path / "model.safetensors").read_bytes() == BODY


def test_wrong_pin_fails_and_leaves_dest_alone(server, tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"old")
    result = run(dict(args_for(server, tmp_path), sha256="0" * 64))
    assert result["failed"] is True and hashlib.sha256(BODY).hexdigest() in result["msg"]
    assert (tmp_path / "model.safetensors").read_bytes() == b"old"


def test_server_errors_are_retried_client_errors_are_not(server, tmp_path):
    server.fail_with = [503]
    assert "failed" not in run(args_for(server, tmp_path))
    missing = run(dict(args_for(server, tmp_path), url=server.url + "x", dest=str(tmp_path / "other")))
    assert missing["failed"] is True and "HTTP 404" in missing["msg"] and missing["attempts"] == 1


def test_size_disagreeing_with_the_server_fails_naming_both(server, tmp_path):
    result = run(dict(args_for(server, tmp_path), size=len(BODY) + 1))
    assert result["failed"] is True and str(len(BODY)) in result["msg"] and str(len(BODY) + 1) in result["msg"]


def test_check_mode_sends_nothing_and_shows_the_diff(server, tmp_path):
    result = run_module(download_file.main, dict(args_for(server, tmp_path), _ansible_diff=True), True)
    assert result["changed"] is True and server.requests == []
    assert result["diff"]["before"].endswith(": absent\n") and result["diff"]["after"].endswith(PIN + "\n")
    assert (result["sha256"], result["size"]) == (PIN, len(BODY))
    assert not (tmp_path / "model.safetensors").exists()


def test_headers_are_sent_but_never_returned(server, tmp_path):
    result = run(args_for(server, tmp_path, headers={"Authorization": "Bearer s3cret-token"}))
    assert server.requests[0]["auth"] == "Bearer s3cret-token"
    assert "s3cret-token" not in repr(result)


def test_bad_input_is_refused_before_any_request(server, tmp_path):
    for bad, word in [(dict(sha256="ABC"), "sha256"), (dict(dest="relative/file"), "dest"),
                      (dict(url="mirror/file"), "url must be an http(s) URL"),
                      (dict(url="file:///etc/hostname"), "url must be an http(s) URL"),
                      (dict(dest=str(tmp_path / "no" / "dir" / "f")), "does not exist"), (dict(retries=-1), "retries")]:
        result = run(dict(args_for(server, tmp_path), **bad))
        assert result["failed"] is True and word in result["msg"]
    assert server.requests == []


def test_documentation_matches_the_argument_spec(monkeypatch):
    spec = assert_documented_as_specified(download_file, monkeypatch)
    assert spec["headers"]["no_log"] is True
