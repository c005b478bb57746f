#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: download_file
short_description: Download a large file over HTTP(S), resuming interrupted transfers, proved by its sha256
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - Downloads O(url) to O(dest) and moves it into place only once its sha256 equals O(sha256), so readers never
    see a partial or wrong file.
  - Bytes received are kept in a partial file named after the pinned sha256 in O(partial_dir). A transfer that
    breaks is resumed with an HTTP C(Range) request, up to O(retries) times in the same run, and from where it
    stopped on the next run. A server that ignores C(Range) sends the whole file again, which replaces the partial.
  - Made for model weights of tens of GB, where M(ansible.builtin.get_url) would start every interrupted file
    again from byte 0.
  - When O(dest) already has the pinned sha256 nothing is downloaded.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    details: Reports whether O(dest) would be downloaded; sends no request.
  diff_mode:
    support: full
    details: Shows the sha256 of O(dest) before and after.
  platform:
    platforms: posix
options:
  url:
    description:
      - HTTP or HTTPS URL of the file. Redirects are followed.
    type: str
    required: true
  dest:
    description:
      - Absolute path the file ends up at. Its directory must exist.
    type: path
    required: true
  sha256:
    description:
      - The file's pinned sha256, 64 lower-case hex digits.
    type: str
    required: true
  size:
    description:
      - The file's size in bytes, when known. A partial file or an O(dest) of another size is not hashed before
        being replaced, and a server that sends fewer bytes counts as an interrupted transfer.
    type: int
  partial_dir:
    description:
      - Directory for partial downloads, on the same filesystem as O(dest) so the final move is atomic.
        Created when missing. Defaults to C(.partial) beside O(dest).
    type: path
  retries:
    description:
      - How many times a broken transfer is resumed within this run before the module fails. The partial file
        stays for the next run either way.
    type: int
    default: 3
  timeout:
    description:
      - Seconds to wait for the server to connect or send data.
    type: int
    default: 60
  headers:
    description:
      - Extra request headers, for example C(Authorization) for a mirror that needs a token. Never logged.
      - Sent only to the host of O(url); a redirect to another host (a CDN's pre-signed URL) gets none of them.
    type: dict
  validate_certs:
    description:
      - Whether HTTPS certificates are verified.
    type: bool
    default: true
notes:
  - The partial file is named after O(sha256), so it can only ever resume into the file it was started for.
  - A complete download whose sha256 is not O(sha256) is deleted and the module fails naming both sums.
seealso:
  - module: ansible.builtin.get_url
"""

EXAMPLES = r"""
- name: Download a weights shard, resuming where a broken transfer stopped
  npuops.gptoss.download_file:
    url: https://mirror.example.com/models/unsloth/gpt-oss-20b-BF16/cc89b3e7fd423253264883a80a4fa5abc619649f/model-00001-of-00009.safetensors
    dest: /var/lib/npuops/models/unsloth--gpt-oss-20b-BF16/cc89b3e7fd423253264883a80a4fa5abc619649f/model-00001-of-00009.safetensors
    sha256: 5e2b5ef8f6d6ea5e4b74e7c2f9e2d5d0f1d0a6d9f8e0b1c2d3e4f5a6b7c8d9e0
    size: 4504304664
    partial_dir: /var/lib/npuops/models/.partial
    owner: root
    group: root
    mode: "0644"

- name: From a mirror that needs a token
  npuops.gptoss.download_file:
    url: https://mirror.example.com/models/tiktoken/o200k_base.tiktoken
    dest: /var/lib/npuops/tiktoken/o200k_base.tiktoken
    sha256: 446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d
    headers:
      Authorization: "Bearer {{ mirror_token }}"
"""

RETURN = r"""
dest:
  description: Where the file is.
  returned: always
  type: str
sha256:
  description: The sha256 of O(dest) at the end (in check mode, what it would be).
  returned: always
  type: str
size:
  description: Size of O(dest) in bytes at the end (in check mode, O(size) when a download is due, -1 if unknown).
  returned: always
  type: int
downloaded_bytes:
  description: Bytes received from the server in this run (0 when nothing was downloaded or in check mode).
  returned: always
  type: int
resumed_from:
  description: Offset of the first ranged request of this run; 0 when the transfer started from byte 0.
  returned: always
  type: int
attempts:
  description: Requests sent in this run.
  returned: always
  type: int
"""

import hashlib
import os
import time
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url

from ansible_collections.npuops.gptoss.plugins.module_utils.http_resume import (
    APPEND, COMPLETE, DISCARD, HttpResumeError, partial_file_name, plan_response, range_header)

_CHUNK = 1024 * 1024
_MAX_REDIRECTS = 10
# What a broken connection raises while the body is read: socket errors and timeouts are OSErrors,
# http.client's IncompleteRead is not.
_TRANSFER_ERRORS = (OSError, HTTPException)


class TransferBroken(Exception):
    """The connection broke (or the body ended early); the partial file holds what arrived."""


def _sha256_of(path: str):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest


class Downloader:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        p = module.params
        self.url: str = p["url"]
        self.shown = self._shown(self.url)
        self.dest: str = p["dest"]
        self.sha256: str = p["sha256"]
        self.size: int | None = p["size"]
        self.partial_dir: str = p["partial_dir"] or os.path.join(os.path.dirname(self.dest), ".partial")
        self.received = 0
        self.attempts = 0
        self.resumed_from = 0
        # Set once a complete partial was hashed and found pinned: tens of GB are not read a second time.
        self.proved = False

    def validate(self) -> None:
        try:
            self.partial = os.path.join(self.partial_dir, partial_file_name(self.sha256))
        except ValueError as exc:
            self.module.fail_json(msg="sha256: %s" % exc)
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.module.fail_json(msg="url must be an http(s) URL with a host, got %s" % self.shown)
        if not os.path.isabs(self.dest):
            self.module.fail_json(msg="dest must be an absolute path, got %s" % self.dest)
        if not self.module.check_mode and not os.path.isdir(os.path.dirname(self.dest)):
            self.module.fail_json(msg="dest: directory %s does not exist" % os.path.dirname(self.dest))
        if self.size is not None and self.size < 0:
            self.module.fail_json(msg="size must not be negative, got %d" % self.size)
        if self.module.params["retries"] < 0:
            self.module.fail_json(msg="retries must not be negative, got %d" % self.module.params["retries"])

    def current_sha256(self) -> str | None:
        """sha256 of dest, or None when it is missing; a wrong size is answered without reading the file."""
        if not os.path.isfile(self.dest):
            return None
        if self.size is not None and os.path.getsize(self.dest) != self.size:
            return "size %d" % os.path.getsize(self.dest)
        return _sha256_of(self.dest).hexdigest()

    def run(self) -> dict:
        self.validate()
        before = self.current_sha256()
        result = dict(changed=False, dest=self.dest, downloaded_bytes=0, resumed_from=0, attempts=0)
        if before != self.sha256:
            result["changed"] = True
            if not self.module.check_mode:
                self.download()
                self.module.atomic_move(self.partial, self.dest)
            result.update(downloaded_bytes=self.received, resumed_from=self.resumed_from, attempts=self.attempts)
        result["diff"] = dict(before="%s: %s\n" % (self.dest, before or "absent"),
                              after="%s: %s\n" % (self.dest, self.sha256))
        if os.path.exists(self.dest):
            file_args = self.module.load_file_common_arguments(self.module.params, path=self.dest)
            result["changed"] = self.module.set_fs_attributes_if_different(file_args, result["changed"])
        if self.module.check_mode and before != self.sha256:
            # What the file would be: the pinned sha256, and the pinned size when known (-1 when not).
            result["size"] = self.size if self.size is not None else -1
        else:
            result["size"] = os.path.getsize(self.dest)
        result["sha256"] = self.sha256
        return result

    def download(self) -> None:
        """Fill the partial file until its sha256 is the pinned one, resuming broken transfers."""
        if not os.path.isdir(self.partial_dir):
            os.makedirs(self.partial_dir, mode=0o755)
        retries = self.module.params["retries"]
        while True:
            try:
                self.transfer()
                break
            except TransferBroken as exc:
                if self.attempts > retries:
                    self.module.fail_json(
                        msg="%s: the transfer broke %d times, last: %s. The %d bytes received are kept in %s and a"
                            " re-run resumes from there." % (self.shown, self.attempts, exc, self._partial_size(),
                                                             self.partial),
                        downloaded_bytes=self.received, attempts=self.attempts)
                time.sleep(min(2 ** (self.attempts - 1), 10))
        if self.proved:
            return
        actual = _sha256_of(self.partial).hexdigest()
        if actual != self.sha256:
            size = self._partial_size()
            os.unlink(self.partial)
            self.module.fail_json(
                msg="%s: the downloaded file (%d bytes) has sha256 %s, pinned %s. It was discarded: check the"
                    " URL and the pinned sha256." % (self.shown, size, actual, self.sha256),
                downloaded_bytes=self.received, attempts=self.attempts)

    def _partial_size(self) -> int:
        return os.path.getsize(self.partial) if os.path.exists(self.partial) else 0

    def transfer(self) -> None:
        """One request: append to or restart the partial file. Raises TransferBroken when the body ends early."""
        offset = self._partial_size()
        if self.size is not None and offset > self.size:
            # Longer than the file can be: it is not this file's prefix.
            os.unlink(self.partial)
            offset = 0
        if self.size is not None and offset == self.size:
            if self._partial_is_the_file():
                return
            offset = 0
        self.attempts += 1
        try:
            response = self._open(offset)
        except HTTPError as exc:
            if exc.code == 416 and offset:
                self._complete_or_restart(exc.headers.get("Content-Range"))
                return
            if exc.code >= 500 or exc.code == 429:
                raise TransferBroken("HTTP %d %s" % (exc.code, exc.reason))
            self.module.fail_json(msg="%s: HTTP %d %s" % (self.shown, exc.code, exc.reason),
                                  status=exc.code, attempts=self.attempts)
        except (URLError, *_TRANSFER_ERRORS) as exc:
            raise TransferBroken(str(getattr(exc, "reason", exc)))
        with response:
            if response.status is None:  # not an HTTP answer at all
                self.module.fail_json(msg="%s: not an HTTP response" % self.shown, attempts=self.attempts)
            length = response.headers.get("Content-Length")
            try:
                plan = plan_response(offset, response.status, response.headers.get("Content-Range"),
                                     int(length) if length and length.isdigit() else None)
            except HttpResumeError as exc:
                self.module.fail_json(msg="%s: %s" % (self.shown, exc), attempts=self.attempts)
            if plan.action == COMPLETE:
                self._complete_or_restart(None)
                return
            if plan.action == DISCARD:
                os.unlink(self.partial)
                raise TransferBroken("asked for bytes from %d, the server answered %s: starting again"
                                     % (offset, response.headers.get("Content-Range")))
            expected_end = plan.total if plan.total is not None else self.size
            if plan.action == APPEND and offset and not self.resumed_from:
                self.resumed_from = offset
            if self.size is not None and plan.total is not None and plan.total != self.size:
                self.module.fail_json(msg="%s: the server has %d bytes, size says %d: check the pin"
                                          % (self.shown, plan.total, self.size), attempts=self.attempts)
            start = offset if plan.action == APPEND else 0
            with open(self.partial, "ab" if plan.action == APPEND else "wb") as out:
                try:
                    while True:
                        # Never past the file's end: a server or proxy sending more must not fill the disk.
                        want = _CHUNK if expected_end is None else min(_CHUNK, expected_end - start)
                        block = response.read(want) if want > 0 else b""
                        if not block:
                            break
                        out.write(block)
                        start += len(block)
                        self.received += len(block)
                except _TRANSFER_ERRORS as exc:
                    raise TransferBroken(str(exc) or type(exc).__name__)
        if expected_end is not None and self._partial_size() < expected_end:
            raise TransferBroken("the body ended at byte %d of %d" % (self._partial_size(), expected_end))

    def _open(self, offset: int):
        """GET the file from ``offset``, following redirects here so that the caller's headers (a token) never go
        to another host: pre-signed CDN URLs get only the Range."""
        p = self.module.params
        url, user_headers = self.url, dict(p["headers"] or {})
        origin = urlsplit(url)[:2]
        for _hop in range(_MAX_REDIRECTS + 1):
            headers = dict(user_headers if urlsplit(url)[:2] == origin else {})
            headers.update(range_header(offset))
            headers["Accept-Encoding"] = "identity"  # byte offsets must count the file, not a compressed stream
            try:
                return open_url(url, headers=headers, timeout=p["timeout"], validate_certs=p["validate_certs"],
                                follow_redirects="none", http_agent="npuops.gptoss.download_file")
            except HTTPError as exc:
                if exc.code not in (301, 302, 303, 307, 308):
                    raise
                url = exc.filename  # urllib hands the absolute target of the redirect here
        self.module.fail_json(msg="%s: more than %d redirects" % (self.shown, _MAX_REDIRECTS),
                              attempts=self.attempts)

    @staticmethod
    def _shown(url: str) -> str:
        """The URL without user:password, for messages."""
        parts = urlsplit(url)
        if parts.password is None and parts.username is None:
            return url
        return parts._replace(netloc=parts.hostname + (":%d" % parts.port if parts.port else "")).geturl()

    def _partial_is_the_file(self) -> bool:
        """A partial that cannot grow (pinned size reached, or 416) is the file if its sha256 is the pin; otherwise
        it is removed so that the file starts again."""
        self.proved = _sha256_of(self.partial).hexdigest() == self.sha256
        if not self.proved:
            os.unlink(self.partial)
        return self.proved

    def _complete_or_restart(self, content_range: str | None) -> None:
        """416: the partial may already be the whole file; if its sha256 says otherwise start again."""
        if self._partial_is_the_file():
            return
        raise TransferBroken("the server has no bytes after the partial file%s, which is not the pinned file:"
                             " starting again" % (" (%s)" % content_range if content_range else ""))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            dest=dict(type="path", required=True),
            sha256=dict(type="str", required=True),
            size=dict(type="int"),
            partial_dir=dict(type="path"),
            retries=dict(type="int", default=3),
            timeout=dict(type="int", default=60),
            headers=dict(type="dict", no_log=True),
            validate_certs=dict(type="bool", default=True),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    module.exit_json(**Downloader(module).run())


if __name__ == "__main__":
    main()
