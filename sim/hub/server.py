#!/usr/bin/env python3
"""The simulated site's artifact server: static files with byte ranges, and a Hugging Face Hub mirror under /hf.

    server.py --directory DIR [--bind 0.0.0.0] [--port 8088] [--faults FILE] [--request-log FILE]
              [--token-file FILE] [--tree-page-size 1000]

Static: every file under DIR at its own path (GET, HEAD, one byte range a request, ETag, Last-Modified), directories
listed as `python3 -m http.server` lists them; the access log on stderr keeps http.server's format.
Hub: DIR/models/<owner>/<name>/<40-hex commit>/... is the model repository <owner>/<name> at that commit, with the part
of the Hub API that `hf download` of huggingface_hub 2.4.0 uses. Faults, the request log and the token: sim/README.md.
Standard library only: the site machine is a bare Debian with python3.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import datetime
import email.utils
import functools
import hashlib
import hmac
import json
import os
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, quote, unquote, urlsplit

HUB = "/hf"
CHUNK = 1 << 20
COMMIT = re.compile(r"[0-9a-f]{40}")
RANGE = re.compile(r"bytes=(\d*)-(\d*)")
REF = re.compile(r"[\w.-]+(/[\w.-]+)*")  # a branch or tag name, never an absolute path
# What the Hub's default .gitattributes stores in LFS; the Hub also refuses plain git files over 10 MB.
LFS_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".onnx", ".gguf", ".npy", ".npz")
LFS_MIN_SIZE = 10 * 1000 * 1000
ROUTES = {  # matched against the path after HUB, still percent-encoded, so a quoted revision stays one segment
    "info": re.compile(r"/api/models/([^/]+)/([^/]+)(?:/revision/([^/]+))?"),
    "tree": re.compile(r"/api/models/([^/]+)/([^/]+)/tree/([^/]+)(?:/(.+))?"),
    "cdn": re.compile(r"/cdn-lfs/([^/]+)/([^/]+)/([0-9a-f]{40})/(.+)"),
    "resolve": re.compile(r"/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)"),
}


@dataclass(frozen=True)
class Blob:
    size: int
    oid: str  # git blob sha1 of what git stores: the content, or for an LFS file its pointer
    sha256: str | None  # LFS files only
    pointer_size: int = 0


class NotFound(Exception):
    """A Hub 404: X-Error-Code and message as hf_raise_for_status (utils/_http.py) tells them apart."""

    def __init__(self, code: str, message: str, commit: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.commit = code, message, commit


class Unsatisfiable(Exception):
    pass


def parse_range(value: str, size: int) -> tuple[int, int] | None:
    """First and last byte of a single range; None to ignore the header (malformed or several ranges, which
    RFC 9110 section 14.2 lets a server ignore); Unsatisfiable when no byte of the file is in it."""
    match = RANGE.fullmatch(value.strip())
    if not match or match[1] == match[2] == "":
        return None
    if match[1] == "":  # suffix range: the last N bytes
        if int(match[2]) == 0 or size == 0:
            raise Unsatisfiable
        return max(size - int(match[2]), 0), size - 1
    start, end = int(match[1]), int(match[2]) if match[2] else size - 1
    if match[2] and end < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def git_oid(kind: bytes, body: bytes) -> str:
    return hashlib.sha1(b"%s %d\0" % (kind, len(body)) + body).hexdigest()


def iso(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{int(when % 1 * 1000):03d}Z"


class Blobs:
    """Hashes of files, computed once per (inode, size, mtime): a shard of many GB takes seconds to hash, and the
    client waits for a HEAD only HF_HUB_ETAG_TIMEOUT (10 s), so the server also hashes every repository at start."""

    def __init__(self) -> None:
        self._done: dict[tuple[int, ...], Blob] = {}
        self._busy: dict[tuple[int, ...], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, path: Path) -> Blob:
        st = path.stat()
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            busy = self._busy.setdefault(key, threading.Lock())
        with busy:  # two requests for one unhashed file hash it once
            if key not in self._done:
                self._done[key] = self._hash(path, st.st_size)
        return self._done[key]

    @staticmethod
    def _hash(path: Path, size: int) -> Blob:
        lfs = path.suffix in LFS_SUFFIXES or size >= LFS_MIN_SIZE
        digest = hashlib.sha256() if lfs else hashlib.sha1(b"blob %d\0" % size)
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        if not lfs:
            return Blob(size, digest.hexdigest(), None)
        # The pointer git stores instead of the content (git-lfs spec v1); its size is the Hub's `pointerSize`.
        pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (
            digest.hexdigest().encode(), size)
        return Blob(size, git_oid(b"blob", pointer), digest.hexdigest(), len(pointer))

    def tree_oid(self, directory: Path) -> str:
        """The git tree id of a directory (entries sorted as git sorts them: a directory's name ends with '/')."""
        entries = []
        for child in directory.iterdir():
            if child.is_dir():
                entries.append((child.name + "/", b"40000", self.tree_oid(child)))
            elif child.is_file():
                entries.append((child.name, b"100644", self.get(child).oid))
        body = b"".join(b"%s %s\0" % (mode, name.rstrip("/").encode()) + bytes.fromhex(oid)
                        for name, mode, oid in sorted(entries, key=lambda e: e[0].encode()))
        return git_oid(b"tree", body)


class Faults:
    """`{"drop": [{"path": URL path, "after_bytes": N, "times": K, "partial": false}]}`: the next K GET responses
    for the file behind that path (200 ones; 206 too with "partial": true) stop after N bytes of body. Read
    again for every response so a test can change it on a running server; `times` is decremented in the file."""

    def __init__(self, file: Path | None) -> None:
        self.file, self._lock = file, threading.Lock()

    def take(self, served: str, partial: bool, locate: Callable[[str], str | None]) -> int | None:
        if self.file is None:
            return None
        with self._lock:
            try:
                data = json.loads(self.file.read_text())
            except FileNotFoundError:
                return None
            except ValueError as exc:  # loud in the log, but a typo in a test's fault file is no server crash
                print(f"server.py: ignoring {self.file}: {exc}", file=sys.stderr)
                return None
            for rule in data.get("drop", []):
                if rule.get("times", 1) <= 0 or (partial and not rule.get("partial")):
                    continue
                if locate(rule["path"]) == served:
                    rule["times"] = rule.get("times", 1) - 1
                    tmp = self.file.with_name(self.file.name + ".tmp")
                    tmp.write_text(json.dumps(data, indent=1) + "\n")
                    os.replace(tmp, self.file)
                    return int(rule["after_bytes"])
        return None


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path, faults: Path | None, request_log: Path | None,
                 token: str | None, page_size: int) -> None:
        super().__init__(address, functools.partial(Handler, directory=str(root)))
        self.root, self.models, self.faults = root, root / "models", Faults(faults)
        self.request_log, self.token, self.page_size = request_log, token, page_size
        self.blobs, self._log_lock = Blobs(), threading.Lock()

    def commit_dir(self, owner: str, name: str, rev: str) -> tuple[Path, str]:
        """A repository's tree at a revision: a 40-hex directory, or a branch as refs/<branch> names it; `main`
        without a ref is the single revision present."""
        repo = self.models / owner / name
        if not all(re.fullmatch(r"[\w.-]+", n) and n.strip(".") for n in (owner, name)) or not repo.is_dir():
            raise NotFound("RepoNotFound", "Repository not found")
        commits = sorted(p.name for p in repo.iterdir() if COMMIT.fullmatch(p.name) and p.is_dir())
        ref = repo / "refs" / rev
        if COMMIT.fullmatch(rev):
            commit: str | None = rev
        elif REF.fullmatch(rev) and ".." not in rev.split("/") and ref.is_file():
            commit = ref.read_text().strip()
        else:
            commit = commits[0] if rev == "main" and len(commits) == 1 else None
        if commit not in commits:
            raise NotFound("RevisionNotFound", f"Invalid rev id: {rev}")
        return repo / commit, commit

    @staticmethod
    def repo_file(tree: Path, commit: str, name: str) -> Path:
        parts = name.split("/")
        path = tree.joinpath(*parts)
        if any(p in ("", ".", "..") for p in parts) or not path.is_file():
            raise NotFound("EntryNotFound", "Entry not found", commit)
        return path

    def warm(self) -> None:
        for path in sorted(self.models.glob("*/*/*/**/*")):
            if COMMIT.fullmatch(path.relative_to(self.models).parts[2]) and path.is_file():
                try:
                    self.blobs.get(path)
                except OSError:
                    pass  # removed while we walked: hashed on demand if it comes back

    def log_json(self, entry: dict[str, object]) -> None:
        if self.request_log is not None:
            with self._log_lock, self.request_log.open("a") as fh:
                fh.write(json.dumps(entry) + "\n")


class Handler(SimpleHTTPRequestHandler):
    server: Site
    protocol_version = "HTTP/1.1"  # keep-alive, as downloaders expect; every response has a Content-Length
    server_version = "npuops-sim-artifacts/1"
    # What the request log says of the request being answered: reset by answer(), updated as the answer goes out.
    status: int = 0
    sent: int = 0  # bytes of body
    file: str | None = None
    dropped: bool = False

    def do_GET(self) -> None:
        self.answer()

    def do_HEAD(self) -> None:
        self.answer()

    def send_response(self, code: int, message: str | None = None) -> None:
        self.status = code
        super().send_response(code, message)

    def answer(self) -> None:
        self.status, self.sent, self.file, self.dropped = 0, 0, None, False
        path = urlsplit(self.path).path
        try:
            if path == HUB or path.startswith(HUB + "/"):
                self.hub(path[len(HUB):])
            else:
                self.static()
        except ConnectionError:  # the client went away: nothing to answer, only to log
            self.close_connection = True
        finally:
            self.server.log_json({
                "time": iso(time.time()), "client": self.client_address[0], "method": self.command,
                "path": self.path, "range": self.headers.get("Range"), "status": self.status,
                "bytes_sent": self.sent, "dropped": self.dropped,
                "file": os.path.relpath(self.file, self.server.root) if self.file else None})

    def locate(self, url: str) -> str | None:
        """The real path of the file a URL serves (static, resolve or CDN), so one fault covers all of them."""
        path = urlsplit(url).path
        if not path.startswith(HUB + "/"):
            return os.path.realpath(self.translate_path(path))
        for kind in ("cdn", "resolve"):
            if match := ROUTES[kind].fullmatch(path[len(HUB):]):
                owner, name, rev, file = map(unquote, match.groups())
                try:
                    return os.path.realpath(self.server.repo_file(*self.server.commit_dir(owner, name, rev), file))
                except NotFound:
                    return None
        return None

    def static(self) -> None:
        """What `python3 -m http.server` answered (SimpleHTTPRequestHandler: same paths, listings, 404 page), plus
        byte ranges as RFC 9110 section 14 specifies them, which the resuming downloaders need."""
        fs_path = self.translate_path(self.path)
        if os.path.isdir(fs_path):  # http.server's own answer: redirect to "dir/", index.html or a listing
            page = self.send_head()
            if page is not None:
                with page:
                    if self.command == "GET":
                        data = page.read()
                        self.wfile.write(data)
                        self.sent += len(data)
        elif os.path.isfile(fs_path):
            self.send_file(Path(fs_path), None, {})
        else:
            self.send_error(404, "File not found")

    def send_file(self, path: Path, etag: str | None, headers: dict[str, str], ctype: str | None = None) -> None:
        """The file, whole or the requested range, streamed in chunks; `etag` None: nginx's form, mtime-size."""
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            size, modified = st.st_size, email.utils.formatdate(st.st_mtime, usegmt=True)
            etag = etag or f'"{int(st.st_mtime):x}-{size:x}"'
            if self.not_modified(etag, st.st_mtime):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                return
            (first, last), status = (0, size - 1), 200
            wanted = self.headers.get("Range")
            # If-Range: a client resuming a file that changed since gets the whole new file, not a mixed one.
            if wanted and self.headers.get("If-Range", etag) in (etag, modified):
                try:
                    span = parse_range(wanted, size)
                except Unsatisfiable:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if span:
                    (first, last), status = span, 206
            length = max(last - first + 1, 0)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", ctype or self.guess_type(str(path)))
            self.send_header("Content-Length", str(length))
            if status == 206:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            self.file = os.path.realpath(path)
            if self.command != "GET":
                return
            limit = self.server.faults.take(self.file, status == 206, self.locate)
            fh.seek(first)
            todo = length if limit is None else min(length, limit)
            while todo > 0 and (chunk := fh.read(min(CHUNK, todo))):
                self.wfile.write(chunk)
                self.sent += len(chunk)
                todo -= len(chunk)
            if limit is not None and limit < length:
                # A clean FIN after exactly `limit` bytes: the client sees a body shorter than Content-Length.
                self.dropped = self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

    def not_modified(self, etag: str, mtime: float) -> bool:
        """Conditional GET: If-None-Match, else If-Modified-Since as http.server answered it (RFC 9110 13.2.2)."""
        if "If-None-Match" in self.headers:
            tags = [tag.strip().removeprefix("W/") for tag in self.headers["If-None-Match"].split(",")]
            return "*" in tags or etag in tags
        try:
            since = email.utils.parsedate_to_datetime(self.headers.get("If-Modified-Since", ""))
        except (TypeError, ValueError):
            return False
        return int(mtime) <= since.replace(tzinfo=since.tzinfo or datetime.timezone.utc).timestamp()

    # ---- the Hub mirror ------------------------------------------------------------------------------------------

    def hub(self, path: str) -> None:
        if not self.authorized():
            return
        for kind, pattern in ROUTES.items():
            if match := pattern.fullmatch(path):
                args = [unquote(g) if g is not None else None for g in match.groups()]
                try:
                    getattr(self, "hub_" + kind)(*args)
                except NotFound as exc:
                    self.hub_error(404, exc.code, exc.message, {"X-Repo-Commit": exc.commit} if exc.commit else {})
                return
        self.hub_error(404, None, "Not Found")  # outside the subset this mirror serves

    def authorized(self) -> bool:
        """The Hub's 401s (utils/_http.py hf_raise_for_status): 'Invalid credentials in Authorization header' for a
        wrong token, 'Invalid username or password.' for none where the repository is private (every one is, when
        the server has a token). Without --token-file the mirror is anonymous."""
        if self.server.token is None:
            return True
        given = self.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {self.server.token}".encode()):
            return True
        message = "Invalid credentials in Authorization header" if given else "Invalid username or password."
        self.hub_error(401, None, message, {"WWW-Authenticate": 'Bearer realm="Authentication required"'})
        return False

    def hub_error(self, status: int, code: str | None, message: str, headers: dict[str, str] | None = None) -> None:
        """Error as the Hub sends it: X-Error-Code / X-Error-Message headers (all a HEAD gets) and {"error": ...};
        huggingface_hub's _format() prints either. Codes and texts from captured Hub responses (sim/README.md)."""
        headers = dict(headers or {}, **{"X-Error-Message": message})
        if code:
            headers["X-Error-Code"] = code
        self.send_json({"error": message}, status, headers)

    def send_json(self, obj: object, status: int = 200, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(data)
            self.sent += len(data)

    def query(self, name: str) -> str | None:
        return parse_qs(urlsplit(self.path).query).get(name, [None])[0]

    def hub_info(self, owner: str, name: str, rev: str | None) -> None:
        """GET /api/models/{repo_id}[/revision/{revision}]: HfApi.model_info (hf_api.py), which snapshot_download
        (_snapshot_download.py) calls when the revision is not a commit id and reads `sha` from. Fields as
        ModelInfo.__init__ parses them; `?blobs=true` adds size, blobId and lfs to the siblings."""
        tree, commit = self.server.commit_dir(owner, name, rev or "main")
        siblings: list[dict[str, object]] = []
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            sibling: dict[str, object] = {"rfilename": path.relative_to(tree).as_posix()}
            if self.query("blobs") in ("true", "1"):
                blob = self.server.blobs.get(path)
                sibling.update(size=blob.size, blobId=blob.oid)
                if blob.sha256:
                    sibling["lfs"] = {"sha256": blob.sha256, "size": blob.size, "pointerSize": blob.pointer_size}
            siblings.append(sibling)
        modified = iso(tree.stat().st_mtime)
        self.send_json({"id": f"{owner}/{name}", "modelId": f"{owner}/{name}", "author": owner, "sha": commit,
                        "lastModified": modified, "createdAt": modified, "private": self.server.token is not None,
                        "disabled": False, "gated": False, "downloads": 0, "likes": 0, "tags": [],
                        "siblings": siblings})

    def hub_tree(self, owner: str, name: str, rev: str, sub: str | None) -> None:
        """GET /api/models/{repo_id}/tree/{revision}[/{path}]?recursive=&expand=&cursor=: HfApi.list_repo_tree via
        _iter_repo_tree_pages and utils/_pagination.py (next page in `Link: <url>; rel="next"`, 1000 entries a page,
        50 with expand). Entries as RepoFile and RepoFolder parse them: {type, oid, size, path, lfs: {oid, size,
        pointerSize}}; recursive listings hold the folders too."""
        tree, commit = self.server.commit_dir(owner, name, rev)
        base = tree
        if sub:
            base = tree.joinpath(*sub.split("/"))
            if ".." in sub.split("/") or not base.is_dir():
                raise NotFound("EntryNotFound", "Entry not found", commit)
        expand = self.query("expand") in ("true", "1")
        paths = sorted(base.rglob("*") if self.query("recursive") in ("true", "1") else base.iterdir())
        size = min(self.server.page_size, 50) if expand else self.server.page_size
        start = int(base64.urlsafe_b64decode(self.query("cursor") or "MA==").decode())
        entries = []
        for path in paths[start:start + size]:
            rel = path.relative_to(tree).as_posix()
            if path.is_dir():
                entry: dict[str, object] = {"type": "directory", "oid": self.server.blobs.tree_oid(path), "size": 0,
                                            "path": rel}
            else:
                blob = self.server.blobs.get(path)
                entry = {"type": "file", "oid": blob.oid, "size": blob.size, "path": rel}
                if blob.sha256:
                    entry["lfs"] = {"oid": blob.sha256, "size": blob.size, "pointerSize": blob.pointer_size}
            if expand:
                entry["lastCommit"] = {"id": commit, "title": "npuops-sim revision", "date": iso(tree.stat().st_mtime)}
            entries.append(entry)
        headers = {}
        if start + size < len(paths):  # absolute: the client requests the next page as given
            cursor = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            query = f"recursive={self.query('recursive') or 'false'}&expand={self.query('expand') or 'false'}"
            host = self.headers.get("Host") or f"{self.server.server_name}:{self.server.server_port}"
            headers["Link"] = f'<http://{host}{urlsplit(self.path).path}?{query}&cursor={cursor}>; rel="next"'
        self.send_json(entries, headers=headers)

    def hub_resolve(self, owner: str, name: str, rev: str, file: str) -> None:
        """HEAD and GET /{repo_id}/resolve/{revision}/{filename}: file_download.get_hf_file_metadata (HEAD; reads
        X-Repo-Commit, X-Linked-Etag or ETag, X-Linked-Size or Content-Length, Location) and http_get (GET; resumes
        with `Range: bytes=N-`). A git file is served here, its git blob sha1 as ETag. An LFS file is a 302 to the
        CDN carrying X-Linked-Etag (its sha256, quoted) and X-Linked-Size, as `curl -I` of a Hub resolve URL shows.
        No X-Xet-* headers: parse_xet_file_data_from_response finds none and the client downloads over HTTP."""
        tree, commit = self.server.commit_dir(owner, name, rev)
        path = self.server.repo_file(tree, commit, file)
        blob = self.server.blobs.get(path)
        if blob.sha256 is None:
            self.send_file(path, f'"{blob.oid}"', {"X-Repo-Commit": commit, **disposition(path)})
            return
        self.send_response(302)
        for key, value in (("Location", f"{HUB}/cdn-lfs/{quote(owner)}/{quote(name)}/{commit}/{quote(file)}"),
                           ("X-Repo-Commit", commit), ("X-Linked-Size", str(blob.size)),
                           ("X-Linked-Etag", f'"{blob.sha256}"'), ("Content-Length", "0")):
            self.send_header(key, value)
        self.end_headers()

    def hub_cdn(self, owner: str, name: str, commit: str, file: str) -> None:
        """HEAD and GET of the CDN URL an LFS resolve redirects to (relative, so on this origin). The client follows
        a redirect to the same origin (utils/_http.py _httpx2_follow_hub_redirects_with_backoff,
        _is_same_or_hub_host) and takes the metadata from this final response, so it carries X-Repo-Commit besides
        what a CDN sends: the sha256 as ETag, Content-Disposition (http_get shows its filename), byte ranges."""
        tree, commit = self.server.commit_dir(owner, name, commit)
        path = self.server.repo_file(tree, commit, file)
        blob = self.server.blobs.get(path)
        self.send_file(path, f'"{blob.sha256 or blob.oid}"', {"X-Repo-Commit": commit, **disposition(path)},
                       "application/octet-stream")


def disposition(path: Path) -> dict[str, str]:
    # The trailing ';' is part of the Hub's header, and file_download.HEADER_FILENAME_PATTERN needs it.
    return {"Content-Disposition": f"inline; filename*=UTF-8''{quote(path.name)}; filename=\"{path.name}\";"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--directory", required=True, type=Path, help="the artifact tree to serve")
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--faults", type=Path, help="JSON fault file, read for every response (absent: no faults)")
    parser.add_argument("--request-log", type=Path, help="append one JSON line per request to this file")
    parser.add_argument("--token-file", type=Path, help="the Hub mirror then requires this bearer token")
    parser.add_argument("--tree-page-size", type=int, default=1000, help="tree entries a page (the Hub's: 1000)")
    args = parser.parse_args(argv)
    token = args.token_file.read_text().strip() if args.token_file else None
    site = Site((args.bind, args.port), args.directory.resolve(), args.faults, args.request_log, token,
                args.tree_page_size)
    threading.Thread(target=site.warm, daemon=True).start()
    print(f"Serving HTTP on {args.bind} port {site.server_port}: {args.directory}, Hub mirror at {HUB}", flush=True)
    try:
        site.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
