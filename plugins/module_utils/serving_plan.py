# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan the gpt-oss vLLM instances of one host from its ``ansible_facts.npu``.

The plan picks the smallest tensor-parallel size whose per-chip need (serving_memory) fits the budget, groups
the healthy chips into instances and gives each its devices, port, environment and ``vllm serve`` arguments.
Plans that cannot work raise ServingPlanError, whose message names the option to change and the host.
"""
from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.gptoss_models import MODELS, GptOssModel
from ansible_collections.npuops.gptoss.plugins.module_utils.npu_catalogue import FAMILIES, hbm_mb_for
from ansible_collections.npuops.gptoss.plugins.module_utils.serving_memory import (
    DEFAULT_GPU_MEMORY_UTILIZATION,
    DEFAULT_MAX_MODEL_LEN,
    DEFAULT_MAX_NUM_SEQS,
    DEVICE_RESERVED_MB,
    HCCL_BUFFSIZE_MB,
    MemoryEstimate,
    budget_mb,
    estimate,
    largest_max_model_len,
)
from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_ascend_releases import assess

HEALTHY = "OK"
# FIELD-GUIDE section 1: vllm-ascend needs at least two devices on an A3 (each NPU shows two dies).
MIN_TENSOR_PARALLEL = {"910_93": 2}
MAX_PORT = 65535
# HCCL_IF_BASE_PORT: "配置后系统默认占用以该端口起始的32个端口" (16 up to CANN 8.2), value range [1024, 65520],
# default 60000 (CANN 8.5 hcclug_000090, CANN 9.0 hcclenvref_07_0019). With --net=host every TP>1 instance left at
# the default binds 60000 and the second one fails with EJ0003 (vllm-ascend issue 405, PR 16205).
HCCL_DEFAULT_BASE_PORT = 60000
HCCL_PORTS_PER_INSTANCE = 32
HCCL_MIN_PORT = 1024
HCCL_MAX_PORT = 65520


class ServingPlanError(ValueError):
    """No working plan for these options on this host; the message says which option to change."""


@dataclass(frozen=True)
class Chip:
    logic_id: int | None
    phy_id: int | None
    npu_id: int | None
    chip_id: int | None
    name: str | None
    family: str | None
    hbm_total_mb: int | None
    health: str | None

    @property
    def healthy(self) -> bool:
        return self.health == HEALTHY and self.logic_id is not None

    @property
    def device_id(self) -> int:
        # The N of /dev/davinciN and of ASCEND_VISIBLE_DEVICES is the physical id (Ascend Docker Runtime README:
        # "X是物理ID号"; Huawei DCMI docs: "ls /dev/davinci*" gives the physical id). Only A3 prints it; A2 hosts
        # show logic = physical in every capture.
        return self.phy_id if self.phy_id is not None else self.logic_id

    @property
    def device_path(self) -> str:
        return "/dev/davinci%d" % self.device_id

    def describe(self) -> str:
        return "logic %s (NPU %s chip %s, %s)" % (self.logic_id, self.npu_id, self.chip_id, self.health)


@dataclass(frozen=True)
class Instance:
    name: str
    index: int
    chips: tuple
    port: int
    env: tuple  # (name, value) pairs
    memory: MemoryEstimate
    budget_mb: int
    expert_parallel: bool
    vllm_args: tuple
    hccl_ports: tuple | None = None  # (first, last) of the HCCL host ports, None for a single chip

    @property
    def tensor_parallel_size(self) -> int:
        return len(self.chips)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "index": self.index,
            "tensor_parallel_size": self.tensor_parallel_size,
            "chips": [chip.logic_id for chip in self.chips],
            "devices": [chip.device_path for chip in self.chips],
            "device_ids": [chip.device_id for chip in self.chips],
            "port": self.port,
            "hccl_ports": list(self.hccl_ports) if self.hccl_ports else None,
            "env": dict(self.env),
            "memory_per_chip_mb": self.memory.total_mb,
            "budget_per_chip_mb": self.budget_mb,
            "expert_parallel": self.expert_parallel,
            "vllm_args": list(self.vllm_args),
        }


@dataclass(frozen=True)
class ServingPlan:
    model: str
    served_model_name: str
    tensor_parallel_size: int
    tensor_parallel_auto: bool
    max_model_len: int
    max_num_seqs: int
    gpu_memory_utilization: float
    hbm_per_chip_mb: int
    budget_per_chip_mb: int
    memory: MemoryEstimate
    family: str
    box_model: str | None
    image_variant: str
    instances: tuple
    unused_chips: tuple
    excluded_chips: tuple
    warnings: tuple
    release: dict | None = None  # the vllm-ascend matrix row the plan was checked against

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "served_model_name": self.served_model_name,
            "tensor_parallel_size": self.tensor_parallel_size,
            "tensor_parallel_auto": self.tensor_parallel_auto,
            "expert_parallel": MODELS[self.model].expert_parallel,
            "max_model_len": self.max_model_len,
            "max_num_seqs": self.max_num_seqs,
            "gpu_memory_utilization": self.gpu_memory_utilization,
            "hbm_per_chip_mb": self.hbm_per_chip_mb,
            "budget_per_chip_mb": self.budget_per_chip_mb,
            "memory_per_chip_mb": self.memory.total_mb,
            "memory_breakdown_mb": self.memory.as_dict(),
            "family": self.family,
            "box_model": self.box_model,
            "image_variant": self.image_variant,
            "instance_count": len(self.instances),
            "instances": [instance.as_dict() for instance in self.instances],
            "unused_chips": [chip.logic_id for chip in self.unused_chips],
            "excluded_chips": [{"logic_id": chip.logic_id, "npu_id": chip.npu_id, "chip_id": chip.chip_id,
                                "health": chip.health} for chip in self.excluded_chips],
            "warnings": list(self.warnings),
            "release": self.release,
        }


@dataclass(frozen=True)
class _Host:
    chips: tuple  # every chip, sorted by logic id
    healthy: tuple
    family: str
    hbm_mb: int
    box_model: str | None
    image_variant: str

    def describe(self) -> str:
        names = sorted({chip.name for chip in self.healthy if chip.name}) or [FAMILIES[self.family].description]
        return "%s (%d healthy of %d %s chips, %d MB HBM each)" % (
            self.box_model or FAMILIES[self.family].default_box, len(self.healthy), len(self.chips),
            "/".join(names), self.hbm_mb)


def plan_host(npu: dict, model: str, max_model_len: int = DEFAULT_MAX_MODEL_LEN,
              max_num_seqs: int = DEFAULT_MAX_NUM_SEQS,
              gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION,
              tensor_parallel_size: int | None = None, base_port: int = 8000,
              served_model_name: str | None = None, instances: int | None = None,
              hccl_base_port: int = HCCL_DEFAULT_BASE_PORT,
              vllm_ascend_version: str | None = None) -> ServingPlan:
    """The serving plan for one host; ``npu`` is that host's ``ansible_facts.npu``.

    With ``vllm_ascend_version``, the release and the host's running driver are checked against vllm-ascend's
    compatibility matrix first (vllm_ascend_releases): refused releases and drivers raise, warnings join the plan's.
    """
    spec = _check_options(model, max_model_len, max_num_seqs, gpu_memory_utilization, tensor_parallel_size,
                          base_port, instances)
    verdict = None
    if vllm_ascend_version is not None:
        facts = npu if isinstance(npu, dict) else {}
        verdict = assess(vllm_ascend_version, driver=facts.get("driver_version"),
                         firmware=facts.get("firmware_version"), model=spec.name,
                         expert_parallel=spec.expert_parallel, driver_origin="running on this host")
        if verdict.refused:
            raise ServingPlanError("; ".join(finding.message for finding in verdict.refusals))
    host = _host_from_facts(npu)
    budget = budget_mb(host.hbm_mb, gpu_memory_utilization)
    candidates = _tensor_parallel_candidates(host)
    if not candidates:
        raise ServingPlanError("npu: no tensor_parallel_size suits %s: it must be a power of two of at least %d that "
                               "divides the chip count" % (host.describe(), MIN_TENSOR_PARALLEL.get(host.family, 1)))
    if tensor_parallel_size is None:
        tp = _smallest_fitting(spec, candidates, max_model_len, max_num_seqs, budget)
        if tp is None:
            raise ServingPlanError(_no_fit_message(spec, host, candidates[-1], max_model_len, max_num_seqs,
                                                   gpu_memory_utilization, budget))
    else:
        tp = _check_explicit_tp(spec, host, candidates, tensor_parallel_size, max_model_len, max_num_seqs,
                                gpu_memory_utilization, budget)
    memory = estimate(spec, tp, max_model_len, max_num_seqs)
    groups, unused = _group_chips(host, tp, instances)
    if base_port + len(groups) - 1 > MAX_PORT:
        raise ServingPlanError("base_port=%d leaves no room for %d instances (ports above %d): lower base_port"
                               % (base_port, len(groups), MAX_PORT))
    hccl = _hccl_ranges(hccl_base_port, base_port, len(groups), tp)
    served = served_model_name or spec.name
    built = tuple(_instance(spec, index, group, base_port + index, memory, budget, served, max_model_len,
                            max_num_seqs, gpu_memory_utilization, hccl[index]) for index, group in enumerate(groups))
    excluded = tuple(chip for chip in host.chips if not chip.healthy)
    return ServingPlan(
        model=spec.name, served_model_name=served, tensor_parallel_size=tp,
        tensor_parallel_auto=tensor_parallel_size is None, max_model_len=max_model_len, max_num_seqs=max_num_seqs,
        gpu_memory_utilization=gpu_memory_utilization, hbm_per_chip_mb=host.hbm_mb, budget_per_chip_mb=budget,
        memory=memory, family=host.family, box_model=host.box_model, image_variant=host.image_variant,
        instances=built, unused_chips=tuple(unused), excluded_chips=excluded,
        warnings=tuple(_warnings(host, tp, gpu_memory_utilization, budget, unused, excluded, instances))
        + tuple(finding.message for finding in (verdict.warnings if verdict else ())),
        release=verdict.release.as_dict() if verdict else None,
    )


def _check_options(model, max_model_len, max_num_seqs, utilization, tensor_parallel_size, base_port, instances):
    spec = MODELS.get(model)
    if spec is None:
        raise ServingPlanError("model=%r is not one of %s" % (model, ", ".join(sorted(MODELS))))
    if not 0 < utilization <= 1:
        raise ServingPlanError("gpu_memory_utilization=%s must be above 0 and at most 1 (a fraction of each chip's "
                               "HBM, as vLLM takes it)" % utilization)
    if not 1 <= max_model_len <= spec.context_tokens:
        raise ServingPlanError("max_model_len=%d must be between 1 and %d, the context of %s"
                               % (max_model_len, spec.context_tokens, spec.name))
    if max_num_seqs < 1:
        raise ServingPlanError("max_num_seqs=%d must be at least 1" % max_num_seqs)
    if tensor_parallel_size is not None and tensor_parallel_size < 1:
        raise ServingPlanError("tensor_parallel_size=%d must be at least 1 (or unset to choose it from the chips)"
                               % tensor_parallel_size)
    if not 1 <= base_port <= MAX_PORT:
        raise ServingPlanError("base_port=%d is not a TCP port (1-%d)" % (base_port, MAX_PORT))
    if instances is not None and instances < 1:
        raise ServingPlanError("instances=%d must be at least 1 (or unset for as many as the chips allow)"
                               % instances)
    return spec


def _host_from_facts(npu: dict) -> _Host:
    if not isinstance(npu, dict) or not isinstance(npu.get("chips"), list):
        raise ServingPlanError("npu must be the ansible_facts.npu of one host (from npuops.gptoss.npu_info), "
                               "with its chips list")
    chips = tuple(sorted((_chip(entry) for entry in npu["chips"]),
                         key=lambda chip: (chip.logic_id is None, chip.logic_id or 0)))
    summary = npu.get("summary") or {}
    if not chips:
        error = npu.get("error") or {}
        raise ServingPlanError("npu: no NPU chips were found on this host%s"
                               % (": %s" % error["message"] if error.get("message") else ""))
    families = {chip.family for chip in chips}
    if len(families) != 1 or None in families:
        raise ServingPlanError("npu: the chip family of this host is %s; a plan needs one known family"
                               % ("mixed (%s)" % ", ".join(sorted(str(f) for f in families))
                                  if len(families) > 1 else "unknown"))
    family = FAMILIES.get(next(iter(families)))
    if family is None:
        raise ServingPlanError("npu: chip family %r is not in the catalogue" % next(iter(families)))
    box = summary.get("box_model") or family.default_box
    if not family.bf16_capable:
        raise ServingPlanError(
            "gpt-oss is served in BF16 (--dtype bfloat16: Ascend cannot run its MXFP4 weights), and this host's "
            "%s chips on %s cannot run BF16: plan gpt-oss on an Atlas A2 (910B) or A3 host"
            % (family.description, box))
    if family.image_variant is None:
        raise ServingPlanError("npu: no vllm-ascend image is known for %s chips (%s): gpt-oss cannot be served there "
                               "yet" % (family.description, box))
    healthy = tuple(chip for chip in chips if chip.healthy)
    if not healthy:
        error = npu.get("error") or {}
        raise ServingPlanError("npu: none of the %d chips of this %s is healthy (%s)%s"
                               % (len(chips), box, _chip_list(chips),
                                  ": %s" % error["message"] if error.get("message") else ""))
    hbm = _hbm_mb(healthy, family.family)
    if hbm is None:
        raise ServingPlanError("npu: the HBM size of this host's %s chips is unknown" % family.description)
    host = _Host(chips, healthy, family.family, hbm, box, family.image_variant)
    minimum = MIN_TENSOR_PARALLEL.get(family.family, 1)
    if len(healthy) < minimum:
        raise ServingPlanError("npu: vllm-ascend needs at least %d devices on %s, and this host has %d healthy: %s"
                               % (minimum, family.description, len(healthy), host.describe()))
    return host


def _chip(entry: dict) -> Chip:
    return Chip(logic_id=entry.get("logic_id"), phy_id=entry.get("phy_id"), npu_id=entry.get("npu_id"),
                chip_id=entry.get("chip_id"), name=entry.get("name"), family=entry.get("family"),
                hbm_total_mb=entry.get("hbm_total_mb"), health=entry.get("health"))


def _hbm_mb(chips: tuple, family: str) -> int | None:
    """The smallest chip bounds every instance; fall back to the catalogue when npu-smi gave no figure."""
    sizes = [chip.hbm_total_mb if chip.hbm_total_mb is not None else hbm_mb_for(chip.name, FAMILIES[family])
             for chip in chips]
    return None if None in sizes else min(sizes)


def _tensor_parallel_candidates(host: _Host) -> list:
    """Powers of two that divide the host's chip count, fit its healthy chips and meet the family minimum."""
    minimum = MIN_TENSOR_PARALLEL.get(host.family, 1)
    sizes = []
    size = 1
    while size <= len(host.healthy):
        if size >= minimum and len(host.chips) % size == 0:
            sizes.append(size)
        size *= 2
    return sizes


def _smallest_fitting(spec, candidates, max_model_len, max_num_seqs, budget):
    for size in candidates:
        if estimate(spec, size, max_model_len, max_num_seqs).total_mb <= budget:
            return size
    return None


def _check_explicit_tp(spec, host, candidates, size, max_model_len, max_num_seqs, utilization, budget):
    minimum = MIN_TENSOR_PARALLEL.get(host.family, 1)
    if size < minimum:
        raise ServingPlanError("tensor_parallel_size=%d: vllm-ascend needs at least %d devices per instance on %s"
                               % (size, minimum, host.describe()))
    if size > len(host.healthy):
        raise ServingPlanError("tensor_parallel_size=%d is larger than the %d healthy chips of %s"
                               % (size, len(host.healthy), host.describe()))
    if spec.attention_heads % size or len(host.chips) % size:
        raise ServingPlanError("tensor_parallel_size=%d must divide the %d chips of %s and the %d attention heads "
                               "of %s: use %s" % (size, len(host.chips), host.describe(), spec.attention_heads,
                                                  spec.name, _or_list(candidates)))
    need = estimate(spec, size, max_model_len, max_num_seqs)
    if need.total_mb > budget:
        fitting = _smallest_fitting(spec, [c for c in candidates if c > size], max_model_len, max_num_seqs, budget)
        if fitting is None:
            raise ServingPlanError(_no_fit_message(spec, host, candidates[-1], max_model_len, max_num_seqs,
                                                   utilization, budget))
        raise ServingPlanError(
            "tensor_parallel_size=%d needs %d MB per chip for %s with max_model_len=%d and max_num_seqs=%d, over "
            "the budget of %s on %s: tensor_parallel_size=%d fits (or leave it unset)"
            % (size, need.total_mb, spec.name, max_model_len, max_num_seqs, _budget_text(host, utilization, budget),
               host.describe(), fitting))
    return size


def _no_fit_message(spec: GptOssModel, host: _Host, largest: int, max_model_len, max_num_seqs, utilization,
                    budget) -> str:
    need = estimate(spec, largest, max_model_len, max_num_seqs)
    length = largest_max_model_len(spec, largest, max_num_seqs, budget)
    where = "even at tensor_parallel_size=%d, the largest this host allows, against a budget of %s per chip on %s" % (
        largest, _budget_text(host, utilization, budget), host.describe())
    if length == 0:
        return ("model=%s does not fit: its BF16 weights alone take %d MB per chip and the runtime and HCCL reserve "
                "%d MB more, %s. Use gpt-oss-20b or a host with 64 GB chips (910B1-910B3, 910B4-1, A3)"
                % (spec.name, need.weights_mb, need.runtime_reserve_mb + need.hccl_mb, where))
    return ("max_model_len=%d with max_num_seqs=%d needs %d MB per chip (%d MB of it KV cache) %s. Lower "
            "max_model_len to %d or less, or lower max_num_seqs"
            % (max_model_len, max_num_seqs, need.total_mb, need.kv_cache_mb, where, length))


def _budget_text(host: _Host, utilization: float, budget: int) -> str:
    return "%d MB (gpu_memory_utilization=%s of %d MB)" % (budget, utilization, host.hbm_mb)


def _group_chips(host: _Host, size: int, limit: int | None):
    """Instances of ``size`` chips; whole aligned blocks (both dies of an A3 NPU) first, then the rest in order."""
    healthy_ids = {chip.logic_id for chip in host.healthy}
    by_id = {chip.logic_id: chip for chip in host.healthy}
    groups, used = [], set()
    for start in range(0, max(healthy_ids) + 1, size):
        block = list(range(start, start + size))
        if all(logic in healthy_ids for logic in block):
            groups.append(tuple(by_id[logic] for logic in block))
            used.update(block)
    rest = [chip for chip in host.healthy if chip.logic_id not in used]
    while len(rest) >= size:
        groups.append(tuple(rest[:size]))
        rest = rest[size:]
    groups.sort(key=lambda group: group[0].logic_id)
    if limit is not None and len(groups) > limit:
        rest = sorted(rest + [chip for group in groups[limit:] for chip in group], key=lambda chip: chip.logic_id)
        groups = groups[:limit]
    return groups, rest


def _hccl_ranges(hccl_base, base_port, count, size):
    """One HCCL host port range per instance, (first, last) or None where a single chip needs no HCCL."""
    if size == 1:
        return [None] * count
    ranges = [(hccl_base + index * HCCL_PORTS_PER_INSTANCE, hccl_base + (index + 1) * HCCL_PORTS_PER_INSTANCE - 1)
              for index in range(count)]
    if hccl_base < HCCL_MIN_PORT or ranges[-1][1] > HCCL_MAX_PORT:
        raise ServingPlanError(
            "hccl_base_port=%d: %d instances of %d chips take HCCL host ports %d-%d (%d each), and HCCL_IF_BASE_PORT "
            "ranges must lie within %d-%d: choose an hccl_base_port between %d and %d"
            % (hccl_base, count, size, ranges[0][0], ranges[-1][1], HCCL_PORTS_PER_INSTANCE, HCCL_MIN_PORT,
               HCCL_MAX_PORT, HCCL_MIN_PORT, HCCL_MAX_PORT + 1 - count * HCCL_PORTS_PER_INSTANCE))
    api_last = base_port + count - 1
    if hccl_base <= api_last and base_port <= ranges[-1][1]:
        raise ServingPlanError(
            "hccl_base_port=%d: the HCCL host ports %d-%d overlap the API ports %d-%d (base_port=%d): move "
            "hccl_base_port or base_port apart" % (hccl_base, ranges[0][0], ranges[-1][1], base_port, api_last,
                                                   base_port))
    return ranges


def _instance(spec, index, chips, port, memory, budget, served, max_model_len, max_num_seqs, utilization, hccl):
    size = len(chips)
    # Each container gets only its own /dev/davinciN, and the runtime numbers what it sees from 0
    # (vllm-ascend issues 6063 and 6942; see docs/serving-plan.md).
    env = [("ASCEND_RT_VISIBLE_DEVICES", ",".join(str(i) for i in range(size)))]
    if size > 1:
        env.append(("HCCL_BUFFSIZE", str(HCCL_BUFFSIZE_MB)))  # the memory model counts this size
        env.append(("HCCL_IF_BASE_PORT", str(hccl[0])))
    args = ["--dtype", "bfloat16", "--tensor-parallel-size", str(size), "--max-model-len", str(max_model_len),
            "--max-num-seqs", str(max_num_seqs), "--gpu-memory-utilization", str(utilization), "--port", str(port),
            "--served-model-name", served] + spec.recommended_args()
    return Instance(name="%s-%d" % (spec.name.replace("gpt-oss-", "gptoss-"), index), index=index, chips=tuple(chips),
                    port=port, env=tuple(env), memory=memory, budget_mb=budget, expert_parallel=spec.expert_parallel,
                    vllm_args=tuple(args), hccl_ports=hccl)


def _warnings(host, size, utilization, budget, unused, excluded, limit):
    found = []
    if excluded:
        found.append("chips left out because they are not healthy: %s" % _chip_list(excluded))
    if unused and limit is None:
        found.append("healthy chips left unused (%d healthy chips are not a multiple of tensor_parallel_size=%d): "
                     "logic %s" % (len(host.healthy), size, ", ".join(str(chip.logic_id) for chip in unused)))
    if budget < int(utilization * host.hbm_mb):
        found.append("gpu_memory_utilization=%s asks for more than the driver leaves free (it keeps about %d of each "
                     "%d MB chip): the budget is %d MB" % (utilization, DEVICE_RESERVED_MB, host.hbm_mb, budget))
    return found


def _chip_list(chips) -> str:
    return "; ".join(chip.describe() for chip in chips)


def _or_list(values) -> str:
    values = [str(value) for value in values]
    return values[0] if len(values) == 1 else "%s or %s" % (", ".join(values[:-1]), values[-1])
