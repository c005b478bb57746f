# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ascend_version
short_description: Compare Huawei Ascend driver, firmware and CANN versions
version_added: 0.1.0
author: npuops contributors (@npuops)
description:
  - True when the version on the left compares to O(version) as O(operator) says.
  - Understands Ascend version strings such as C(25.0.rc1.1), C(24.1.RC2), C(7.7.0.2.220) and C(8.2.RC1).
    A release candidate sorts below its release (C(25.2.rc1) < C(25.2.0)) and case does not matter.
options:
  _input:
    description: The version to test.
    type: str
    required: true
  operator:
    description: How to compare.
    type: str
    choices: ['<', '<=', '==', '!=', '>=', '>']
    required: true
  version:
    description: The version to compare with.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: openEuler 24.03 needs driver 25.2.0 or later
  ansible.builtin.assert:
    that: npu_driver_version is npuops.gptoss.ascend_version('>=', '25.2.0')
"""

RETURN = r"""
_value:
  description: Whether the comparison holds.
  type: bool
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.module_utils.ascend_version import AscendVersionError, compare

_OPS = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    "==": lambda c: c == 0,
    "!=": lambda c: c != 0,
    ">=": lambda c: c >= 0,
    ">": lambda c: c > 0,
}


def ascend_version(value, operator, version):
    if operator not in _OPS:
        raise AnsibleFilterError(f"ascend_version: operator must be one of {', '.join(_OPS)}, got {operator!r}")
    try:
        return _OPS[operator](compare(value, version))
    except AscendVersionError as exc:
        raise AnsibleFilterError(f"ascend_version: {exc}") from exc


class TestModule:
    def tests(self):
        return {"ascend_version": ascend_version}
