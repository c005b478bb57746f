"""npuops.gptoss.serving_plan end to end: npu_info's facts from a fake host, then serving_plan's main()."""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/unit: shared helpers

from ansible_collections.npuops.gptoss.plugins.modules import serving_plan
from module_docs import assert_documented_as_specified
from npu_host_fakes import FakeNpuSmi, run_module, run_npu_info, synth_host, write_version_files
from npu_smi_samples import sample


def run_serving_plan(args: dict, check_mode: bool = False) -> dict:
    """Run serving_plan's main() in-process and return its JSON result (failures included)."""
    return run_module(serving_plan.main, args, check_mode)


def discovered(tmp_path, chips: int) -> dict:
    return run_npu_info(synth_host(tmp_path, chips))["ansible_facts"]["npu"]


def test_910b4_host_discovered_by_npu_info(tmp_path):
    npu = run_npu_info({"npu_smi_path": str(FakeNpuSmi(tmp_path / "bin", {
        "info": (sample("info_910B4_x8_idle_25.0.rc1.1.txt"), 0),
        "info -m": (sample("mapping_m_910B4_x8_25.0.rc1.1.txt"), 0)}).path),
        "sysfs_pci_root": str(tmp_path / "sys"), "driver_root": str(tmp_path / "Ascend")})["ansible_facts"]["npu"]
    result = run_serving_plan({"npu": npu, "model": "gpt-oss-20b"})
    assert result["changed"] is False and "failed" not in result and "warnings" not in result
    plan = result["plan"]
    assert (plan["tensor_parallel_size"], plan["instance_count"], plan["box_model"]) == (2, 4, "Atlas 800I A2")
    assert [i["devices"] for i in plan["instances"]][-1] == ["/dev/davinci6", "/dev/davinci7"]
    assert [i["port"] for i in plan["instances"]] == [8000, 8001, 8002, 8003]
    assert plan["instances"][0]["env"]["ASCEND_RT_VISIBLE_DEVICES"] == "0,1"


def test_a3_host_and_check_mode(tmp_path):
    npu = discovered(tmp_path, 16)
    args = {"npu": npu, "model": "gpt-oss-120b", "max_model_len": 4096, "max_num_seqs": 4,
            "gpu_memory_utilization": 0.9, "base_port": 9000, "served_model_name": "gpt-oss-120b-bf16"}
    result = run_serving_plan(args, check_mode=True)
    assert result["changed"] is False
    plan = result["plan"]
    assert (plan["tensor_parallel_size"], plan["instance_count"], plan["image_variant"]) == (4, 4, "-a3")
    assert plan["instances"][1]["devices"] == ["/dev/davinci4", "/dev/davinci5", "/dev/davinci6", "/dev/davinci7"]
    assert plan["instances"][3]["port"] == 9003
    assert "--enable-expert-parallel" in plan["instances"][0]["vllm_args"]
    assert plan["served_model_name"] == "gpt-oss-120b-bf16"
    assert run_serving_plan(args) == result


def test_impossible_plan_fails_naming_the_option(tmp_path):
    result = run_serving_plan({"npu": discovered(tmp_path, 8), "model": "gpt-oss-120b"})
    assert result["failed"] is True
    assert result["msg"].startswith("model=gpt-oss-120b does not fit")
    assert "910B4" in result["msg"]


def test_warnings_are_module_warnings(tmp_path):
    npu = discovered(tmp_path, 8)
    npu["chips"][5]["health"] = "Critical"
    result = run_serving_plan({"npu": npu, "model": "gpt-oss-20b"})
    assert result["warnings"] == result["plan"]["warnings"]
    assert result["warnings"][0] == "chips left out because they are not healthy: logic 5 (NPU 5 chip 0, Critical)"
    assert result["plan"]["unused_chips"] == [4]


def test_bad_choice_is_rejected_by_the_argument_spec(tmp_path):
    result = run_serving_plan({"npu": discovered(tmp_path, 8), "model": "gpt-oss-7b"})
    assert result["failed"] is True and "value of model must be one of" in result["msg"]


def test_documentation_matches_the_argument_spec(monkeypatch):
    assert_documented_as_specified(serving_plan, monkeypatch)
    assert "plan" in yaml.safe_load(serving_plan.RETURN)


def discovered_with_driver(tmp_path, chips: int, driver: str) -> dict:
    args = synth_host(tmp_path, chips)
    write_version_files(Path(args["driver_root"]), driver=driver, firmware="7.8.0.6.201")
    npu = run_npu_info(args)["ansible_facts"]["npu"]
    assert npu["driver_version"] == driver  # version.info wins over the npu-smi banner
    return npu


def test_v013_is_refused_naming_the_variable(tmp_path):
    result = run_serving_plan({"npu": discovered_with_driver(tmp_path, 8, "25.5.1"), "model": "gpt-oss-20b",
                               "vllm_ascend_version": "v0.13.0"})
    assert result["failed"] is True
    assert result["msg"].startswith("vllm_ascend_version=v0.13.0 cannot serve gpt-oss: vllm-ascend needs "
                                    "v0.15.0rc1 or later")
    assert "plan" not in result


def test_v015_plans_with_a_warning(tmp_path):
    result = run_serving_plan({"npu": discovered_with_driver(tmp_path, 8, "25.5.1"), "model": "gpt-oss-20b",
                               "vllm_ascend_version": "v0.15.0rc1"})
    assert "failed" not in result and result["plan"]["instance_count"] == 4
    assert result["warnings"] == ["vllm_ascend_version=v0.15.0rc1 is below v0.18.0rc1, the oldest release the "
                                  "gpt-oss recipe was tested on (vLLM 0.15.0, CANN 8.5.0): gpt-oss runs from "
                                  "v0.15.0rc1, but prefer v0.18.0rc1"]
    assert result["plan"]["release"]["cann"] == "8.5.0"


def test_running_driver_below_the_release_minimum_is_refused(tmp_path):
    # synth_host prints the real 25.0.rc1.1 banner of an Atlas 800I A2 and has no version.info.
    npu = discovered(tmp_path, 8)
    assert npu["driver_version"] == "25.0.rc1.1"
    result = run_serving_plan({"npu": npu, "model": "gpt-oss-20b", "vllm_ascend_version": "v0.18.0rc1"})
    assert result["failed"] is True
    assert result["msg"].startswith("NPU driver 25.0.rc1.1 (running on this host) is below 25.5.0, the minimum "
                                    "for vllm-ascend v0.18.0rc1 (CANN 8.5.1;")
    assert result["msg"].endswith("set npu_driver_version to 25.5.0 or later")


def test_default_release_on_a_current_driver_plans_quietly(tmp_path):
    result = run_serving_plan({"npu": discovered_with_driver(tmp_path, 8, "25.5.1"), "model": "gpt-oss-20b",
                               "vllm_ascend_version": "v0.18.0rc1"})
    assert "failed" not in result and "warnings" not in result
    assert (result["plan"]["release"]["tag"], result["plan"]["release"]["vllm"]) == ("v0.18.0rc1", "0.18.0")


def test_unknown_release_lists_the_known_ones(tmp_path):
    result = run_serving_plan({"npu": discovered_with_driver(tmp_path, 8, "25.5.1"), "model": "gpt-oss-20b",
                               "vllm_ascend_version": "v0.99.0"})
    assert result["failed"] is True and "known: v0.13.0, v0.15.0rc1" in result["msg"]
