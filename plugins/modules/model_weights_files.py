#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: model_weights_files
short_description: Sort a pinned model revision's files on the host into proved and still needed; keep its verification record
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - The host side of the C(npuops.gptoss.model_weights) role. For every file of O(items) it decides, from what is on
    the host, whether it is proved good or must still be fetched, and why.
  - A weights file is proved when the verification record at O(record_path) (or O(proved)) vouches for it, the same
    sha256 pin, size and mtime as when it was last hashed; any other file of the pinned size is hashed with sha256;
    missing and wrong-sized files are not hashed. Tiktoken files are hashed every time.
  - With O(write_record), every weights file must be proved (it fails naming each file that is not) and the record is
    written so that later runs need not hash them again.
  - Also measures the free space of the filesystem holding O(space_path).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix
options:
  items:
    description:
      - The files, as the C(npuops.gptoss.model_weights_plan) filter lists them, each with C(kind) (V(weights) or
        V(tiktoken)), C(name), C(dest) (its path on the host), C(sha256) and C(size) (null when not pinned).
    type: list
    elements: dict
    required: true
  path:
    description:
      - The revision's directory on the host; a record written for another directory vouches for nothing.
    type: str
    required: true
  record_path:
    description:
      - The verification record, JSON with C(repo), C(revision), C(path) and C(files) (name to sha256, size, mtime).
    type: path
    required: true
  repo:
    description:
      - The repository, for the record.
    type: str
    required: true
  revision:
    description:
      - The commit id, for the record.
    type: str
    required: true
  proved:
    description:
      - Weights files already proved in this run, name to mtime, so that they are not hashed twice.
    type: dict
    default: {}
  write_record:
    description:
      - Fail unless every weights file is proved, then write the record (only when its content changes).
    type: bool
    default: false
  space_path:
    description:
      - Measure the free bytes of the filesystem holding this path (its nearest existing parent).
    type: path
"""

EXAMPLES = r"""
- name: What the host already has is known
  npuops.gptoss.model_weights_files:
    items: "{{ plan['items'] + plan['tiktoken_items'] }}"
    path: /var/lib/npuops/models/unsloth--gpt-oss-20b-BF16/0123456789abcdef0123456789abcdef01234567
    record_path: /var/lib/npuops/models/.verified/unsloth--gpt-oss-20b-BF16/0123456789abcdef0123456789abcdef01234567.json
    repo: unsloth/gpt-oss-20b-BF16
    revision: 0123456789abcdef0123456789abcdef01234567
    space_path: /var/lib/npuops/models
  register: found
"""

RETURN = r"""
todo:
  description: The items still needed, each with C(why) (V(missing), a wrong size or a wrong sha256).
  type: list
  elements: dict
  returned: always
good:
  description: Weights files proved good, name to mtime.
  type: dict
  returned: always
hashed:
  description: Destinations hashed in this call.
  type: list
  elements: str
  returned: always
record_found:
  description: Whether a record for this path was read.
  type: bool
  returned: always
record_current:
  description: Whether the record (or O(proved)) vouches for every weights file, so that nothing needed hashing.
  type: bool
  returned: always
need_bytes:
  description: Bytes of the weights files still needed.
  type: int
  returned: always
free_bytes:
  description: Free bytes where O(space_path) is, null without it.
  type: int
  returned: always
"""

import hashlib
import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_state import (
    FileStat, judge_hashed, need_bytes, record, record_files, sort_files)


def _stat(path: str) -> FileStat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return FileStat(st.st_size, st.st_mtime) if os.path.isfile(path) else None


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _free_bytes(path: str) -> int:
    while not os.path.exists(path) and path not in ("", "/"):
        path = os.path.dirname(path)
    st = os.statvfs(path or "/")
    return st.f_bavail * st.f_frsize


def _record_text(content: dict) -> str:
    # The layout Ansible's to_nice_json gave the records written before this module.
    return json.dumps(content, indent=4, sort_keys=True, separators=(",", ": ")) + "\n"


class WeightsFiles:
    def __init__(self, module):
        self.module = module
        self.params = module.params

    def _read_record(self) -> dict | None:
        try:
            with open(self.params["record_path"], "r", encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def _write(self, text: str) -> tuple[bool, dict]:
        path = self.params["record_path"]
        try:
            with open(path, "r", encoding="utf-8") as handle:
                before = handle.read()
        except OSError:
            before = ""
        if before == text:
            return False, {}
        diff = {"before_header": path, "after_header": path, "before": before, "after": text}
        if not self.module.check_mode:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".record.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, 0o644)
            self.module.atomic_move(tmp, path)
        return True, diff

    def run(self) -> dict:
        p = self.params
        items = p["items"]
        raw = self._read_record()
        vouching = dict(record_files(raw, p["path"]))
        stats = {i["dest"]: s for i in items for s in [_stat(i["dest"])] if s is not None}
        for name, mtime in p["proved"].items():
            item = next((i for i in items if i["name"] == name and i["kind"] == "weights"), None)
            if item is not None:
                vouching[name] = {"sha256": item["sha256"], "size": item["size"], "mtime": mtime}
        found = sort_files(items, stats, vouching)
        sums = {i["dest"]: _sha256(i["dest"]) for i in found.to_hash if i["dest"] in stats}
        good, bad = judge_hashed(found.to_hash, sums, stats)
        good.update(found.vouched)
        todo = found.absent + bad
        result = {"changed": False, "todo": todo, "good": good, "hashed": sorted(sums), "need_bytes": need_bytes(todo),
                  "record_found": bool(record_files(raw, p["path"])),
                  "record_current": all(i["name"] in found.vouched for i in items if i["kind"] == "weights"),
                  "free_bytes": _free_bytes(p["space_path"]) if p["space_path"] else None}
        if p["write_record"]:
            if todo:
                self.module.fail_json(msg="; ".join("%s: %s" % (i["dest"], i["why"]) for i in todo), **result)
            content = record(p["repo"], p["revision"], p["path"], items, good)
            result["changed"], diff = self._write(_record_text(content))
            if diff and self.module._diff:
                result["diff"] = diff
        return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            items=dict(type="list", elements="dict", required=True),
            path=dict(type="str", required=True),
            record_path=dict(type="path", required=True),
            repo=dict(type="str", required=True),
            revision=dict(type="str", required=True),
            proved=dict(type="dict", default={}),
            write_record=dict(type="bool", default=False),
            space_path=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**WeightsFiles(module).run())


if __name__ == "__main__":
    main()
