import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.npuops.gptoss.plugins.filter.vllm_ascend_release import vllm_ascend_release_check


def test_empty_tag_is_the_default_release_and_passes_on_the_default_driver():
    result = vllm_ascend_release_check("", driver="25.5.1", firmware="7.8.0.6.201", model="gpt-oss-20b")
    assert result["release"]["tag"] == "v0.18.0rc1" and result["release"]["cann"] == "8.5.1"
    assert (result["failures"], result["warnings"]) == ([], [])


def test_v013_and_a_low_pin_are_both_refused_naming_their_variables():
    result = vllm_ascend_release_check("v0.13.0", driver="24.1.0", driver_origin="the pin")
    assert [(f["check"], f["variable"]) for f in result["failures"]] == [
        ("vllm-ascend-release", "vllm_ascend_version"), ("vllm-ascend-driver", "npu_driver_version")]
    assert result["failures"][1]["message"].startswith("NPU driver 24.1.0 (the pin) is below 25.5.0")


def test_v015_warns_and_120b_before_its_tutorial_warns():
    result = vllm_ascend_release_check("v0.15.0rc1", driver="25.5.1", model="gpt-oss-120b")
    assert result["failures"] == []
    assert [w["check"] for w in result["warnings"]] == ["vllm-ascend-release", "vllm-ascend-model"]


def test_installed_driver_below_the_minimum():
    result = vllm_ascend_release_check("v0.20.2rc1", driver="25.0.rc1.1", driver_origin="installed")
    assert len(result["failures"]) == 1
    assert "25.0.rc1.1 (installed) is below 25.5.0, the minimum for vllm-ascend v0.20.2rc1 (CANN 9.0.0" in \
        result["failures"][0]["message"]


def test_no_driver_known_is_not_checked():
    assert vllm_ascend_release_check("v0.18.0rc1", driver=None)["failures"] == []


def test_non_string_input_is_an_error():
    with pytest.raises(AnsibleFilterError, match="release tag"):
        vllm_ascend_release_check(0.18)
