#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: model_config
short_description: Check that a checkpoint's config.json describes the declared gpt-oss model
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - Reads a model's C(config.json) (a file or directory on the target, or its text) and fails unless it describes the
    declared gpt-oss model, architecture C(GptOssForCausalLM) with that model's C(num_hidden_layers) and
    C(num_local_experts) (gpt-oss-20b 24 and 32, gpt-oss-120b 36 and 128), and is not MXFP4, which Ascend NPUs cannot
    run.
  - The error names the declared model and what C(config.json) says, so 20b weights pinned for a 120b plan are
    refused before a serving container mounts them.
  - Reads only; changes nothing.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  model:
    description:
      - The declared model.
    type: str
    required: true
    choices: [gpt-oss-20b, gpt-oss-120b]
  path:
    description:
      - The model directory holding C(config.json), or the file itself, on the target.
      - Exactly one of O(path) and O(content).
    type: path
  content:
    description:
      - The text of C(config.json), when it was read elsewhere (from a mirror or the controller cache).
    type: str
  sha256:
    description:
      - The pinned sha256 of C(config.json); when given, a text with another sha256 is refused before it is judged.
    type: str
  label:
    description:
      - What the messages call the checkpoint, e.g. V(unsloth/gpt-oss-20b-BF16@<commit>). Defaults to the path.
    type: str
"""

EXAMPLES = r"""
- name: The staged weights are the declared model
  npuops.gptoss.model_config:
    model: gpt-oss-120b
    path: /var/lib/npuops/models/unsloth--gpt-oss-120b-BF16/current
"""

RETURN = r"""
config:
  description: What config.json says.
  type: dict
  returned: success
  contains:
    architectures:
      description: Its C(architectures).
      type: list
      elements: str
      sample: [GptOssForCausalLM]
    num_hidden_layers:
      description: Its C(num_hidden_layers), null when missing.
      type: int
      sample: 36
    num_local_experts:
      description: Its C(num_local_experts), null when missing.
      type: int
      sample: 128
    quant_method:
      description: Its C(quantization_config.quant_method), empty for BF16.
      type: str
      sample: ""
sha256:
  description: The sha256 of the text that was checked.
  type: str
  returned: success
"""

import hashlib
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.npuops.gptoss.plugins.module_utils.model_config import ModelConfigError, config_problems, parse_config


class ModelConfigChecker:
    def __init__(self, module):
        self.module = module
        self.params = module.params

    def _text(self) -> tuple[str, str]:
        path = self.params["path"]
        if path is None:
            return self.params["content"], self.params["label"] or "config.json"
        if os.path.isdir(path):
            path = os.path.join(path, "config.json")
        try:
            with open(path, "r", encoding="utf-8") as handle:
                return handle.read(), self.params["label"] or path
        except OSError as exc:
            self.module.fail_json(msg="%s cannot be read: %s" % (path, exc.strerror))
        raise AssertionError("unreachable")

    def check(self) -> dict:
        text, where = self._text()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        pinned = self.params["sha256"]
        if pinned and digest != pinned.lower():
            self.module.fail_json(msg="config.json of %s has sha256 %s, pinned %s" % (where, digest, pinned), sha256=digest)
        try:
            summary = parse_config(text)
        except ModelConfigError as exc:
            self.module.fail_json(msg="%s: %s" % (where, exc), sha256=digest)
        problems = config_problems(summary, self.params["model"], where)
        if problems:
            self.module.fail_json(msg="; ".join(problems), config=summary.as_dict(), sha256=digest)
        return {"config": summary.as_dict(), "sha256": digest}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            model=dict(type="str", required=True, choices=["gpt-oss-20b", "gpt-oss-120b"]),
            path=dict(type="path"),
            content=dict(type="str"),
            sha256=dict(type="str"),
            label=dict(type="str"),
        ),
        mutually_exclusive=[("path", "content")],
        required_one_of=[("path", "content")],
        supports_check_mode=True,
    )
    module.exit_json(changed=False, **ModelConfigChecker(module).check())


if __name__ == "__main__":
    main()
