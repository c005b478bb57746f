#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: serving_plan
short_description: Plan the gpt-oss vLLM instances of one Ascend NPU host
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - Computes, from the host's C(npu) fact (see M(npuops.gptoss.npu_info)), how to serve gpt-oss on it with
    vllm-ascend containers. Each instance gets its chips, its C(/dev/davinciN) devices, a port, its
    environment and its C(vllm serve) arguments.
  - The tensor-parallel size is the smallest power of two that divides the host's chip count, that its healthy
    chips can hold (at least 2 on Atlas A3) and whose expected memory per chip fits
    O(gpu_memory_utilization) of the chip's HBM. Every healthy chip that can be grouped serves; unhealthy chips
    are left out.
  - The expected memory per chip is the BF16 weights divided by the tensor-parallel size, the KV cache of
    O(max_model_len) x O(max_num_seqs) tokens, and a runtime and HCCL reserve. See C(docs/serving-plan.md)
    for the model and its sources.
  - Pure computation on the given facts. It runs no command and reads no file, so it can be delegated to
    localhost.
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
  npu:
    description:
      - The C(ansible_facts.npu) of the host to plan, as M(npuops.gptoss.npu_info) returns it.
    type: dict
    required: true
  model:
    description:
      - The model to serve.
    type: str
    required: true
    choices: [gpt-oss-20b, gpt-oss-120b]
  max_model_len:
    description:
      - Longest sequence (prompt and output) in tokens, passed as C(--max-model-len). At most 131072.
    type: int
    default: 32768
  max_num_seqs:
    description:
      - Sequences each instance runs at once, passed as C(--max-num-seqs). The plan keeps room for this many
        sequences of O(max_model_len) tokens in the KV cache.
    type: int
    default: 8
  gpu_memory_utilization:
    description:
      - Fraction of each chip's HBM an instance may use, above 0 and at most 1, passed as
        C(--gpu-memory-utilization).
    type: float
    default: 0.9
  tensor_parallel_size:
    description:
      - Chips per instance. When not set, the smallest size that fits is chosen.
      - Must divide the host's chip count and gpt-oss's 64 attention heads, and be at least 2 on Atlas A3.
    type: int
  base_port:
    description:
      - Port of the first instance; instance N listens on O(base_port) + N.
    type: int
    default: 8000
  hccl_base_port:
    description:
      - First HCCL host port (E(HCCL_IF_BASE_PORT)) of the first multi-chip instance; instance N gets
        O(hccl_base_port) + 32 * N and HCCL takes the 32 ports from there (CANN 8.5 and 9.0; 16 before).
      - Containers share the host network, so instances left at HCCL's default 60000 collide
        (C(EJ0003 ... Failed to bind the IP port)). The ranges must lie within 1024-65520 and apart from the API ports.
    type: int
    default: 60000
  served_model_name:
    description:
      - Name clients use in requests, passed as C(--served-model-name). Defaults to O(model).
    type: str
  instances:
    description:
      - Plan at most this many instances; the chips left over are reported in RV(plan.unused_chips).
    type: int
  vllm_ascend_version:
    description:
      - The vllm-ascend release tag the instances run, such as V(v0.18.0rc1), checked against vllm-ascend's
        compatibility matrix before anything is planned.
      - Refused, naming the variable, when the release cannot serve gpt-oss (before V(v0.15.0rc1)) or is not in
        the matrix (the message lists the known tags), and when the host's running driver (C(npu.driver_version))
        is below the release's minimum. A release from V(v0.15.0rc1) to below V(v0.18.0rc1), or gpt-oss-120b on a
        release without vllm-ascend's 120b tutorial, gives a warning.
      - When not set, the release is not checked.
    type: str
notes:
  - Fails, naming the option to change and the host's hardware, when no plan can work, for example
    gpt-oss-120b on 8 x 910B4 (32 GB), any gpt-oss on first-generation Ascend 910 (no BF16), a host without
    healthy chips, or a O(max_model_len) whose KV cache fits at no tensor-parallel size.
  - The C(vllm serve) arguments leave out the model path, which the deployment adds.
  - E(ASCEND_RT_VISIBLE_DEVICES) in RV(plan.instances[].env) numbers the chips from 0, as a container sees them
    when it is given only its own C(/dev/davinciN) devices. A privileged container sees every chip; it needs the host
    logic ids of RV(plan.instances[].chips) instead.
"""

EXAMPLES = r"""
- name: Discover the NPUs
  npuops.gptoss.npu_info:

- name: Plan gpt-oss-20b on this host
  npuops.gptoss.serving_plan:
    npu: "{{ ansible_facts.npu }}"
    model: gpt-oss-20b
    vllm_ascend_version: v0.18.0rc1
  register: serving

- name: Plan gpt-oss-120b with the vllm-ascend tutorial's short context
  npuops.gptoss.serving_plan:
    npu: "{{ ansible_facts.npu }}"
    model: gpt-oss-120b
    max_model_len: 4096
    max_num_seqs: 4
    gpu_memory_utilization: 0.9
    base_port: 9000
    served_model_name: gpt-oss-120b-bf16

- name: Show the instances
  ansible.builtin.debug:
    msg: "{{ item.name }} on {{ item.devices | join(',') }} port {{ item.port }}"
  loop: "{{ serving.plan.instances }}"
"""

RETURN = r"""
plan:
  description: The instances of the host and the figures they were chosen from.
  returned: success
  type: dict
  contains:
    model:
      description: The planned model.
      type: str
      returned: success
      sample: gpt-oss-20b
    served_model_name:
      description: The name every instance serves the model under.
      type: str
      returned: success
      sample: gpt-oss-20b
    tensor_parallel_size:
      description: Chips per instance.
      type: int
      returned: success
      sample: 2
    tensor_parallel_auto:
      description: Whether the tensor-parallel size was chosen by the plan (O(tensor_parallel_size) not set).
      type: bool
      returned: success
    expert_parallel:
      description: Whether the instances run with C(--enable-expert-parallel) (gpt-oss-120b).
      type: bool
      returned: success
    max_model_len:
      description: The planned O(max_model_len).
      type: int
      returned: success
    max_num_seqs:
      description: The planned O(max_num_seqs).
      type: int
      returned: success
    gpu_memory_utilization:
      description: The planned O(gpu_memory_utilization).
      type: float
      returned: success
    hbm_per_chip_mb:
      description: HBM of the smallest healthy chip, in MB as npu-smi prints it.
      type: int
      returned: success
      sample: 32768
    budget_per_chip_mb:
      description: >-
        Memory an instance may use on each chip: O(gpu_memory_utilization) x HBM, capped at what the driver
        leaves free.
      type: int
      returned: success
      sample: 29491
    memory_per_chip_mb:
      description: Expected memory per chip of each instance.
      type: int
      returned: success
      sample: 25832
    memory_breakdown_mb:
      description: >-
        RV(plan.memory_per_chip_mb) by part, in MB; keys V(weights), V(kv_cache), V(sliding_window_kv),
        V(runtime_reserve), V(hccl_buffers) and V(total).
      type: dict
      returned: success
    family:
      description: Chip family of the host (V(910B) for Atlas A2, V(910_93) for Atlas A3).
      type: str
      returned: success
    box_model:
      description: Server model from the facts, else the family's usual box.
      type: str
      returned: success
      sample: Atlas 800I A2
    image_variant:
      description: vllm-ascend image tag suffix for the family (empty for A2, V(-a3) for A3).
      type: str
      returned: success
    instance_count:
      description: Number of planned instances.
      type: int
      returned: success
      sample: 4
    instances:
      description: One entry per vLLM instance, in chip order.
      type: list
      elements: dict
      returned: success
      contains:
        name:
          description: Instance name, the model name without its dash and the index.
          type: str
          sample: gptoss-20b-0
        index:
          description: Position of the instance, from 0.
          type: int
        tensor_parallel_size:
          description: Chips of the instance.
          type: int
        chips:
          description: Logic ids of the instance's chips on the host.
          type: list
          elements: int
          sample: [0, 1]
        devices:
          description: Device nodes to give the container, numbered by the chips' physical ids.
          type: list
          elements: str
          sample: [/dev/davinci0, /dev/davinci1]
        device_ids:
          description:
            - Physical ids of the instance's chips, the N of RV(plan.instances[].devices) and the value of
              E(ASCEND_VISIBLE_DEVICES) for the Ascend Docker Runtime. The logic id where npu-smi shows no Phy-ID (A2).
          type: list
          elements: int
          sample: [0, 1]
        port:
          description: Port the instance listens on, O(base_port) plus its index.
          type: int
          sample: 8000
        hccl_ports:
          description: First and last HCCL host port of the instance; null for a single chip, which needs no HCCL.
          type: list
          elements: int
          sample: [60000, 60031]
        env:
          description: >-
            Environment of the container: E(ASCEND_RT_VISIBLE_DEVICES) (V(0) to tensor-parallel size - 1), and
            E(HCCL_BUFFSIZE) (V(512)) and E(HCCL_IF_BASE_PORT) (the first of RV(plan.instances[].hccl_ports)) when
            the instance spans several chips.
          type: dict
          sample: {ASCEND_RT_VISIBLE_DEVICES: "0,1", HCCL_BUFFSIZE: "512", HCCL_IF_BASE_PORT: "60000"}
        memory_per_chip_mb:
          description: Expected memory per chip.
          type: int
        budget_per_chip_mb:
          description: Memory the instance may use per chip.
          type: int
        expert_parallel:
          description: Whether C(--enable-expert-parallel) is among the arguments.
          type: bool
        vllm_args:
          description: Arguments for C(vllm serve <model path>).
          type: list
          elements: str
          sample: [--dtype, bfloat16, --tensor-parallel-size, "2", --max-model-len, "32768"]
    unused_chips:
      description: Logic ids of healthy chips that no instance uses.
      type: list
      elements: int
      returned: success
    excluded_chips:
      description: Chips left out because their health is not V(OK) (logic_id, npu_id, chip_id, health).
      type: list
      elements: dict
      returned: success
    warnings:
      description: >-
        The warnings the module also reports (excluded or unused chips, capped budget, a release below the
        recipe's or without a 120b tutorial).
      type: list
      elements: str
      returned: success
    release:
      description: >-
        The compatibility-matrix row of O(vllm_ascend_version) (vLLM base, CANN, torch_npu, minimum driver and its
        source, image variants, gpt-oss support); null when O(vllm_ascend_version) is not set.
      type: dict
      returned: success
      sample: {tag: v0.18.0rc1, vllm: 0.18.0, cann: 8.5.1, min_driver: 25.5.0}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_plan import ServingPlanError, plan_host


class ServingPlanner:
    def __init__(self, module):
        self.module = module
        self.params = module.params

    def plan(self):
        params = self.params
        try:
            plan = plan_host(
                params["npu"], params["model"], max_model_len=params["max_model_len"],
                max_num_seqs=params["max_num_seqs"], gpu_memory_utilization=params["gpu_memory_utilization"],
                tensor_parallel_size=params["tensor_parallel_size"], base_port=params["base_port"],
                served_model_name=params["served_model_name"], instances=params["instances"],
                hccl_base_port=params["hccl_base_port"],
                vllm_ascend_version=params["vllm_ascend_version"])
        except ServingPlanError as exc:
            self.module.fail_json(msg=str(exc))
        for warning in plan.warnings:
            self.module.warn(warning)
        return plan.as_dict()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            npu=dict(type="dict", required=True),
            model=dict(type="str", required=True, choices=["gpt-oss-20b", "gpt-oss-120b"]),
            max_model_len=dict(type="int", default=32768),
            max_num_seqs=dict(type="int", default=8),
            gpu_memory_utilization=dict(type="float", default=0.9),
            tensor_parallel_size=dict(type="int"),
            base_port=dict(type="int", default=8000),
            hccl_base_port=dict(type="int", default=60000),
            served_model_name=dict(type="str"),
            instances=dict(type="int"),
            vllm_ascend_version=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(changed=False, plan=ServingPlanner(module).plan())


if __name__ == "__main__":
    main()
