# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sha256sums filter: a checksum list (sha256sum output) as a {file name: sha256} mapping."""

from __future__ import annotations

DOCUMENTATION = r"""
name: sha256sums
short_description: Read a sha256sum checksum list into a mapping of file name to sha256
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Parses the output format of C(sha256sum) (C(<64 hex> <space><space or *><file>) per line), as shipped with
    offline package bundles, into a dictionary for C(npuops_vendor_sha256).
  - Blank lines and C(#) comments are skipped. Paths are reduced to their file name.
  - A malformed line, or a file listed twice with different sums, is an error naming the line.
options:
  _input:
    description: The checksum list's text.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Pin the vendor packages from the bundle's checksum list kept in the inventory
  ansible.builtin.set_fact:
    npuops_vendor_sha256: "{{ lookup('ansible.builtin.file', 'files/SHA256SUMS') | npuops.gptoss.sha256sums }}"
"""

RETURN = r"""
_value:
  description: File name to lower-case sha256.
  type: dict
"""

import re

from ansible.errors import AnsibleFilterError

_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def sha256sums(text: str) -> dict:
    if not isinstance(text, str):
        raise AnsibleFilterError("sha256sums: input must be the text of a checksum list")
    sums: dict = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise AnsibleFilterError(f"sha256sums: line {number} is not '<sha256>  <file>': {raw!r}")
        digest, name = match.group(1).lower(), match.group(2).strip().rsplit("/", 1)[-1]
        if sums.get(name, digest) != digest:
            raise AnsibleFilterError(f"sha256sums: line {number} lists {name} again with another sum")
        sums[name] = digest
    return sums


class FilterModule:
    def filters(self):
        return {"sha256sums": sha256sums}
