"""Serving plans for the reference hosts and every refusal, from hand-written ``ansible_facts.npu`` dicts.

The dicts have the shape npu_info returns (see its RETURN); only the fields the planner reads vary.
"""
from __future__ import annotations

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.serving_plan import ServingPlanError, plan_host


def chip(logic, name="910B4", family="910B", hbm=32768, health="OK", phy=None, npu=None, chip_id=0):
    return {"npu_id": logic if npu is None else npu, "chip_id": chip_id, "logic_id": logic, "phy_id": phy,
            "name": name, "family": family, "hbm_total_mb": hbm, "health": health}


def facts(chips, box):
    return {"present": bool(chips), "chips": chips, "summary": {"box_model": box}, "error": None}


def a2_910b4(health=None):
    health = health or {}
    return facts([chip(i, health=health.get(i, "OK")) for i in range(8)], "Atlas 800I A2")


def a2_910b3(health=None):
    health = health or {}
    return facts([chip(i, "910B3", hbm=65536, health=health.get(i, "OK")) for i in range(8)], "Atlas 800 A2")


# Physical ids deliberately unlike the logic ids, to see which one names /dev/davinciN.
A3_PHY = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]


def a3(healthy=16):
    return facts([chip(i, "Ascend910", "910_93", 65536, "OK" if i < healthy else "Critical", A3_PHY[i], i // 2, i % 2)
                  for i in range(16)], "Atlas 800 A3")


def plan(npu, model="gpt-oss-20b", **options):
    return plan_host(npu, model, **options).as_dict()


def refusal(npu, model="gpt-oss-20b", **options):
    with pytest.raises(ServingPlanError) as caught:
        plan_host(npu, model, **options)
    return str(caught.value)


def test_atlas_800i_a2_910b4_serves_20b_as_four_tp2_instances():
    result = plan(a2_910b4())
    assert (result["tensor_parallel_size"], result["instance_count"], result["tensor_parallel_auto"]) == (2, 4, True)
    assert [i["chips"] for i in result["instances"]] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert [i["port"] for i in result["instances"]] == [8000, 8001, 8002, 8003]
    assert [i["name"] for i in result["instances"]] == ["gptoss-20b-0", "gptoss-20b-1", "gptoss-20b-2", "gptoss-20b-3"]
    second = result["instances"][1]
    assert second["devices"] == ["/dev/davinci2", "/dev/davinci3"]
    assert second["device_ids"] == [2, 3]
    assert second["env"] == {"ASCEND_RT_VISIBLE_DEVICES": "0,1", "HCCL_BUFFSIZE": "512", "HCCL_IF_BASE_PORT": "60032"}
    assert (second["memory_per_chip_mb"], second["budget_per_chip_mb"]) == (25832, 29491)
    assert second["expert_parallel"] is False
    assert second["vllm_args"] == [
        "--dtype", "bfloat16", "--tensor-parallel-size", "2", "--max-model-len", "32768", "--max-num-seqs", "8",
        "--gpu-memory-utilization", "0.9", "--port", "8001", "--served-model-name", "gpt-oss-20b",
        "--reasoning-parser", "openai_gptoss", "--tool-call-parser", "openai", "--enable-auto-tool-choice"]
    assert (result["hbm_per_chip_mb"], result["budget_per_chip_mb"]) == (32768, 29491)
    assert result["memory_per_chip_mb"] == 25832
    assert (result["family"], result["box_model"], result["image_variant"]) == ("910B", "Atlas 800I A2", "")
    assert (result["unused_chips"], result["excluded_chips"], result["warnings"]) == ([], [], [])


def test_atlas_800_a2_910b3_serves_20b_on_every_chip():
    result = plan(a2_910b3())
    assert (result["tensor_parallel_size"], result["instance_count"]) == (1, 8)
    assert [i["chips"] for i in result["instances"]] == [[n] for n in range(8)]
    assert [i["devices"] for i in result["instances"]][7] == ["/dev/davinci7"]
    assert [i["port"] for i in result["instances"]] == list(range(8000, 8008))
    assert result["instances"][0]["env"] == {"ASCEND_RT_VISIBLE_DEVICES": "0"}
    assert "--tensor-parallel-size" in result["instances"][0]["vllm_args"]
    assert (result["memory_per_chip_mb"], result["budget_per_chip_mb"]) == (47824, 58982)


def test_a_critical_chip_is_left_out():
    result = plan(a2_910b3({3: "Critical"}))
    assert (result["tensor_parallel_size"], result["instance_count"]) == (1, 7)
    assert [i["chips"][0] for i in result["instances"]] == [0, 1, 2, 4, 5, 6, 7]
    assert [i["port"] for i in result["instances"]] == list(range(8000, 8007))
    assert result["instances"][3]["devices"] == ["/dev/davinci4"]
    assert result["excluded_chips"] == [{"logic_id": 3, "npu_id": 3, "chip_id": 0, "health": "Critical"}]
    assert result["unused_chips"] == []
    assert result["warnings"] == ["chips left out because they are not healthy: logic 3 (NPU 3 chip 0, Critical)"]


def test_an_unhealthy_910b4_leaves_a_partner_chip_unused():
    result = plan(a2_910b4({5: "Warning"}))
    assert [i["chips"] for i in result["instances"]] == [[0, 1], [2, 3], [6, 7]]
    assert result["unused_chips"] == [4]
    assert any("left unused" in warning and "logic 4" in warning for warning in result["warnings"])


def test_a3_serves_120b_at_the_tutorial_settings_as_four_tp4_expert_parallel_instances():
    result = plan(a3(), "gpt-oss-120b", max_model_len=4096, max_num_seqs=4, gpu_memory_utilization=0.9)
    assert (result["tensor_parallel_size"], result["instance_count"], result["expert_parallel"]) == (4, 4, True)
    assert [i["chips"] for i in result["instances"]] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]
    # /dev/davinciN by physical id
    assert result["instances"][0]["devices"] == ["/dev/davinci8", "/dev/davinci9", "/dev/davinci10",
                                                 "/dev/davinci11"]
    assert result["instances"][3]["devices"] == ["/dev/davinci4", "/dev/davinci5", "/dev/davinci6", "/dev/davinci7"]
    # ASCEND_VISIBLE_DEVICES takes the same physical ids (Ascend Docker Runtime), never the logic ids.
    assert result["instances"][0]["device_ids"] == [8, 9, 10, 11] and result["instances"][0]["chips"] == [0, 1, 2, 3]
    assert result["instances"][2]["env"] == {"ASCEND_RT_VISIBLE_DEVICES": "0,1,2,3", "HCCL_BUFFSIZE": "512",
                                             "HCCL_IF_BASE_PORT": "60064"}
    assert result["instances"][0]["vllm_args"] == [
        "--dtype", "bfloat16", "--tensor-parallel-size", "4", "--max-model-len", "4096", "--max-num-seqs", "4",
        "--gpu-memory-utilization", "0.9", "--port", "8000", "--served-model-name", "gpt-oss-120b",
        "--reasoning-parser", "openai_gptoss", "--tool-call-parser", "openai", "--enable-auto-tool-choice",
        "--enable-expert-parallel", "--compilation-config", '{"cudagraph_mode": "FULL_DECODE_ONLY"}']
    assert (result["memory_per_chip_mb"], result["budget_per_chip_mb"]) == (58660, 58982)
    assert (result["image_variant"], result["family"]) == ("-a3", "910_93")


def test_a3_needs_tp8_for_120b_at_the_defaults():
    result = plan(a3(), "gpt-oss-120b")
    assert (result["tensor_parallel_size"], result["instance_count"], result["memory_per_chip_mb"]) == (8, 2, 31821)


def test_a3_never_plans_a_single_die():
    result = plan(a3(), "gpt-oss-20b")
    assert (result["tensor_parallel_size"], result["instance_count"]) == (2, 8)
    assert result["instances"][0]["devices"] == ["/dev/davinci8", "/dev/davinci9"]


def test_explicit_options_reach_the_instances():
    result = plan(a2_910b3(), tensor_parallel_size=4, base_port=9100, served_model_name="oss", instances=1,
                  max_model_len=65536, max_num_seqs=16, gpu_memory_utilization=0.85)
    assert (result["tensor_parallel_size"], result["tensor_parallel_auto"], result["instance_count"]) == (4, False, 1)
    assert result["unused_chips"] == [4, 5, 6, 7]
    assert result["warnings"] == []  # asked for: not a warning
    only = result["instances"][0]
    assert (only["name"], only["port"], only["chips"]) == ("gptoss-20b-0", 9100, [0, 1, 2, 3])
    assert only["vllm_args"][:14] == [
        "--dtype", "bfloat16", "--tensor-parallel-size", "4", "--max-model-len", "65536", "--max-num-seqs", "16",
        "--gpu-memory-utilization", "0.85", "--port", "9100", "--served-model-name", "oss"]


def test_full_utilisation_is_capped_with_a_warning():
    result = plan(a2_910b4(), gpu_memory_utilization=1.0)
    assert result["budget_per_chip_mb"] == 29696
    assert result["warnings"] == ["gpu_memory_utilization=1.0 asks for more than the driver leaves free (it keeps "
                                  "about 3072 of each 32768 MB chip): the budget is 29696 MB"]


def test_the_error_is_a_value_error():
    assert issubclass(ServingPlanError, ValueError)


def test_refuses_120b_on_eight_910b4():
    message = refusal(a2_910b4(), "gpt-oss-120b")
    assert message.startswith("model=gpt-oss-120b does not fit: its BF16 weights alone take 27848 MB per chip")
    assert "tensor_parallel_size=8" in message
    assert "Atlas 800I A2 (8 healthy of 8 910B4 chips, 32768 MB HBM each)" in message
    assert "Use gpt-oss-20b or a host with 64 GB chips" in message
    # not a question of utilisation or context
    assert refusal(a2_910b4(), "gpt-oss-120b", gpu_memory_utilization=1.0, max_model_len=1024, max_num_seqs=1)


@pytest.mark.parametrize("name, family, box", [
    ("910A", "910", "Atlas 800 9000/9010"),
    ("310P3", "310P", "Atlas 300I Pro/Duo"),
])
def test_refuses_chips_without_bf16(name, family, box):
    message = refusal(facts([chip(i, name, family) for i in range(8)], box))
    assert "gpt-oss is served in BF16" in message and "cannot run BF16" in message and box in message


def test_refuses_a_family_without_an_image():
    message = refusal(facts([chip(i, "Ascend950PR", "950", 131072) for i in range(8)], None))
    assert "no vllm-ascend image is known for Ascend 950" in message


@pytest.mark.parametrize("size, expected", [
    (3, "tensor_parallel_size=3 must divide the 8 chips of Atlas 800I A2"),
    (16, "tensor_parallel_size=16 is larger than the 8 healthy chips of Atlas 800I A2"),
    (0, "tensor_parallel_size=0 must be at least 1"),
])
def test_refuses_an_explicit_tp_the_host_cannot_take(size, expected):
    message = refusal(a2_910b4(), tensor_parallel_size=size)
    assert message.startswith(expected)


def test_divisor_refusal_lists_the_sizes_that_work():
    assert refusal(a2_910b4(), tensor_parallel_size=6).endswith("use 1, 2, 4 or 8")


def test_refuses_an_explicit_tp_too_small_for_the_memory():
    message = refusal(a2_910b4(), tensor_parallel_size=1)
    assert message.startswith("tensor_parallel_size=1 needs 47824 MB per chip for gpt-oss-20b")
    assert "budget of 29491 MB (gpu_memory_utilization=0.9 of 32768 MB)" in message
    assert message.endswith("tensor_parallel_size=2 fits (or leave it unset)")


def test_refuses_a3_with_one_device():
    message = refusal(a3(healthy=1))
    assert message.startswith("npu: vllm-ascend needs at least 2 devices on Ascend 910_93")
    assert "1 healthy of 16 Ascend910 chips" in message
    assert refusal(a3(), tensor_parallel_size=1).startswith(
        "tensor_parallel_size=1: vllm-ascend needs at least 2 devices per instance on Atlas 800 A3")


def test_refuses_a_host_without_healthy_chips():
    message = refusal(a2_910b4({i: "Alarm" for i in range(8)}))
    assert message.startswith("npu: none of the 8 chips of this Atlas 800I A2 is healthy")
    assert "logic 0 (NPU 0 chip 0, Alarm)" in message


def test_refuses_a_host_without_chips():
    npu = facts([], None)
    npu["error"] = {"kind": "tool_missing", "message": "npu-smi not found", "remedy": "install the driver"}
    assert refusal(npu) == "npu: no NPU chips were found on this host: npu-smi not found"
    assert refusal({"present": False}).startswith("npu must be the ansible_facts.npu of one host")


@pytest.mark.parametrize("options, expected", [
    ({"max_model_len": 131073}, "max_model_len=131073 must be between 1 and 131072, the context of gpt-oss-20b"),
    ({"max_model_len": 0}, "max_model_len=0 must be between 1"),
    ({"gpu_memory_utilization": 0.0}, "gpu_memory_utilization=0.0 must be above 0 and at most 1"),
    ({"gpu_memory_utilization": 1.5}, "gpu_memory_utilization=1.5 must be above 0 and at most 1"),
    ({"max_num_seqs": 0}, "max_num_seqs=0 must be at least 1"),
    ({"base_port": 70000}, "base_port=70000 is not a TCP port"),
    ({"base_port": 65533}, "base_port=65533 leaves no room for 4 instances"),
    ({"instances": 0}, "instances=0 must be at least 1"),
    ({"hccl_base_port": 1023}, "hccl_base_port=1023: 4 instances of 2 chips take HCCL host ports 1023-1150 (32 each)"),
    ({"hccl_base_port": 65400}, "hccl_base_port=65400: 4 instances of 2 chips take HCCL host ports 65400-65527"),
    ({"hccl_base_port": 7950}, "hccl_base_port=7950: the HCCL host ports 7950-8077 overlap the API ports 8000-8003"),
    ({"base_port": 60100}, "hccl_base_port=60000: the HCCL host ports 60000-60127 overlap the API ports 60100-60103"),
])
def test_refuses_options_out_of_range(options, expected):
    assert refusal(a2_910b4(), **options).startswith(expected)


def test_refuses_an_unknown_model():
    assert refusal(a2_910b4(), "gpt-oss-7b").startswith("model='gpt-oss-7b' is not one of gpt-oss-120b, gpt-oss-20b")


def test_refuses_a_context_whose_kv_cache_fits_at_no_tp():
    message = refusal(a2_910b4(), max_model_len=131072, max_num_seqs=64)
    assert message.startswith("max_model_len=131072 with max_num_seqs=64 needs 32399 MB per chip (24576 MB of it KV "
                              "cache) even at tensor_parallel_size=8")
    assert message.endswith("Lower max_model_len to 114688 or less, or lower max_num_seqs")
    assert plan(a2_910b4(), max_model_len=114688, max_num_seqs=64)["tensor_parallel_size"] == 8


def test_each_multi_chip_instance_gets_its_own_hccl_port_range():
    # HCCL takes 32 host ports from HCCL_IF_BASE_PORT (CANN 8.5 / 9.0 docs); with --net=host two instances left at
    # the default 60000 collide (vllm-ascend issue 405), so the ranges must be disjoint.
    instances = plan(a2_910b4())["instances"]
    assert [i["hccl_ports"] for i in instances] == [[60000, 60031], [60032, 60063], [60064, 60095], [60096, 60127]]
    assert [i["env"]["HCCL_IF_BASE_PORT"] for i in instances] == ["60000", "60032", "60064", "60096"]
    moved = plan(a2_910b4(), hccl_base_port=50000)["instances"]
    assert [i["hccl_ports"][0] for i in moved] == [50000, 50032, 50064, 50096]
    assert plan(a2_910b4(), hccl_base_port=65520 - 4 * 32 + 1)["instances"][-1]["hccl_ports"][1] == 65520


def test_single_chip_instances_need_no_hccl_ports():
    instances = plan(a2_910b3())["instances"]
    assert {i["tensor_parallel_size"] for i in instances} == {1}
    assert all(i["hccl_ports"] is None and "HCCL_IF_BASE_PORT" not in i["env"] for i in instances)
    # Without HCCL, API ports may sit anywhere, even where a range would have gone.
    assert plan(a2_910b3(), base_port=60000)["instances"][0]["port"] == 60000
