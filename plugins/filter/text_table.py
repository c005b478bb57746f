# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text_table filter: render a list of dicts as an aligned plain-text table for play output."""

from __future__ import annotations

DOCUMENTATION = r"""
name: text_table
short_description: Render a list of dictionaries as an aligned text table
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - Renders rows as a plain-text table with a header line and a rule, one column per requested key,
    so fleet summaries read well in C(ansible-playbook) output and in report files.
  - Missing keys and V(None) print as C(-); lists print comma-separated.
options:
  _input:
    description: The rows, one dictionary each.
    type: list
    elements: dict
    required: true
  columns:
    description:
      - The keys to show, in order. An item may be a string (key and header) or a two-item list C([key, header]).
    type: list
    elements: raw
    required: true
"""

EXAMPLES = r"""
- name: Print a fleet table
  ansible.builtin.debug:
    msg: "{{ rows | npuops.gptoss.text_table(['host', ['hbm_mb', 'HBM MB']]) }}"
"""

RETURN = r"""
_value:
  description: The table, lines joined by newlines, with no trailing newline.
  type: str
"""

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError


def _cell(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, (list, tuple)):
        return ",".join(_cell(v) for v in value) or "-"
    return str(value)


def text_table(rows: Sequence[Mapping], columns: Sequence) -> str:
    if not isinstance(rows, Sequence) or isinstance(rows, (str, bytes)):
        raise AnsibleFilterError("text_table: input must be a list of dictionaries")
    keys, headers = [], []
    for col in columns:
        if isinstance(col, str):
            keys.append(col)
            headers.append(col)
        elif isinstance(col, Sequence) and len(col) == 2:
            keys.append(str(col[0]))
            headers.append(str(col[1]))
        else:
            raise AnsibleFilterError(f"text_table: column {col!r} must be a key or a [key, header] pair")
    body = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise AnsibleFilterError(f"text_table: row {index} is not a dictionary")
        body.append([_cell(row.get(k)) for k in keys])
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    return "\n".join(lines)


class FilterModule:
    def filters(self):
        return {"text_table": text_table}
