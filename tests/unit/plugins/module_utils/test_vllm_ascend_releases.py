"""The vllm-ascend compatibility matrix and its decisions, against figures read at each tag by hand."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_ascend_releases import (
    DEFAULT_RELEASE,
    RELEASES,
    ReleaseError,
    assess,
    compare_releases,
    known_tags,
    lookup,
)

REPO = Path(__file__).resolve().parents[4]

# (tag, vLLM, CANN, torch_npu) as versioning_policy.md / Dockerfile / pyproject.toml give them at the tag.
ROWS = [
    ("v0.13.0", "0.13.0", "8.5.0", "2.8.0.post2"),
    ("v0.15.0rc1", "0.15.0", "8.5.0", "2.9.0"),
    ("v0.18.0rc1", "0.18.0", "8.5.1", "2.9.0.post1+git4c901a4"),
    ("v0.18.0", "0.18.0", "8.5.1", "2.9.0.post1+git4c901a4"),
    ("v0.20.2rc1", "0.20.2", "9.0.0", "2.10.0"),
    ("v0.23.0", "0.23.0", "9.1.0", "2.10.0.post4"),
    ("v0.25.1rc1", "0.25.1", "9.0.1", "2.10.0.post2"),
]


@pytest.mark.parametrize("tag, vllm, cann, torch_npu", ROWS)
def test_rows(tag, vllm, cann, torch_npu):
    release = lookup(tag)
    assert (release.vllm, release.cann, release.torch_npu) == (vllm, cann, torch_npu)
    assert release.image_variants == ("", "-a3", "-openeuler", "-a3-openeuler")
    assert release.min_driver == "25.5.0" and release.min_driver_source and release.source


def test_v018_rc_and_final_are_distinct_rows_on_cann_851():
    # The published v0.18.0 page names CANN 9.0.0: that is the branch after the tag, not the release.
    assert lookup("v0.18.0rc1") is not lookup("v0.18.0")
    assert lookup("v0.18.0").cann == "8.5.1" and "9.0.0" in lookup("v0.18.0").note


def test_gptoss_support_per_release():
    assert not lookup("v0.13.0").gptoss.gptoss_20b
    assert lookup("v0.15.0rc1").gptoss.gptoss_20b and not lookup("v0.15.0rc1").gptoss.shutdown_timeout
    assert lookup("v0.18.0rc1").gptoss.shutdown_timeout and not lookup("v0.18.0rc1").gptoss.gptoss_120b
    v020 = lookup("v0.20.2rc1").gptoss
    assert v020.gptoss_120b and v020.expert_parallel and "FULL_DECODE_ONLY" in v020.graph_modes
    assert "FULL_AND_PIECEWISE" not in v020.graph_modes
    assert "FULL_AND_PIECEWISE" in lookup("v0.21.0rc1").gptoss.graph_modes


@pytest.mark.parametrize("older, newer", [
    ("v0.18.0rc1", "v0.18.0"), ("v0.9.1rc3", "v0.9.1"), ("v0.7.3", "v0.7.3.post1"), ("v0.13.0", "v0.15.0rc1"),
    ("v0.9.2rc1", "v0.10.0rc1"), ("v0.13.0rc3", "v0.13.0"), ("0.18.0rc1", "v0.20.2rc1"),
])
def test_release_order(older, newer):
    assert compare_releases(older, newer) == -1 and compare_releases(newer, older) == 1


def test_known_tags_sorted_and_bad_tags_raise():
    assert known_tags()[0] == "v0.13.0" and known_tags()[-1] == "v0.25.1rc1"
    assert known_tags().index("v0.23.0rc1") < known_tags().index("v0.23.0") < known_tags().index("v0.24.0rc1")
    with pytest.raises(ReleaseError, match="not a vllm-ascend release tag"):
        compare_releases("latest", "v0.18.0")
    with pytest.raises(ReleaseError, match="known: v0.13.0, v0.15.0rc1"):
        lookup("v0.14.0rc1")


def test_v013_refused_naming_the_variable():
    verdict = assess("v0.13.0", driver="25.5.1")
    assert [(f.check, f.variable) for f in verdict.refusals] == [("vllm-ascend-release", "vllm_ascend_version")]
    assert "v0.15.0rc1 or later" in verdict.refusals[0].message and "PR 5901" in verdict.refusals[0].message


def test_older_unknown_tag_is_refused_as_too_old():
    verdict = assess("v0.11.0")
    assert verdict.release is None and "cannot serve gpt-oss" in verdict.refusals[0].message


@pytest.mark.parametrize("tag", ["v0.15.0rc1", "v0.17.0rc1"])
def test_v015_to_below_v018_warns(tag):
    verdict = assess(tag, driver="25.5.1")
    assert not verdict.refused
    assert [f.check for f in verdict.warnings] == ["vllm-ascend-release"]
    assert "below v0.18.0rc1" in verdict.warnings[0].message


@pytest.mark.parametrize("tag", ["v0.18.0rc1", "v0.18.0", "v0.20.2rc1", "v0.25.1rc1"])
def test_recipe_releases_pass_quietly(tag):
    verdict = assess(tag, driver="25.5.1", firmware="7.8.0.6.201", model="gpt-oss-20b")
    assert (verdict.refusals, verdict.warnings) == ((), ())


def test_unknown_tag_lists_the_known_ones():
    verdict = assess("v0.26.0rc1")
    assert verdict.refused and verdict.refusals[0].variable == "vllm_ascend_version"
    message = verdict.refusals[0].message
    assert "v0.26.0rc1 is not a vllm-ascend release" in message and "v0.18.0rc1, v0.18.0, v0.19.1rc1" in message


@pytest.mark.parametrize("driver, refused", [("25.0.rc1.1", True), ("24.1.0", True), ("25.5.rc1", True),
                                             ("25.5.0", False), ("25.5.1", False), ("26.0.rc1", False)])
def test_driver_minimum(driver, refused):
    verdict = assess("v0.18.0rc1", driver=driver, driver_origin="the pin")
    assert verdict.refused is refused
    if refused:
        finding = verdict.refusals[0]
        assert (finding.check, finding.variable) == ("vllm-ascend-driver", "npu_driver_version")
        assert finding.message.startswith("NPU driver %s (the pin) is below 25.5.0" % driver)
        assert "set npu_driver_version to 25.5.0 or later" in finding.message


def test_unparsable_driver_is_refused_naming_it():
    verdict = assess("v0.18.0rc1", driver="latest")
    assert verdict.refusals[0].variable == "npu_driver_version" and "latest" in verdict.refusals[0].message


def test_120b_before_its_tutorial_warns():
    verdict = assess("v0.18.0rc1", driver="25.5.1", model="gpt-oss-120b", expert_parallel=True)
    assert not verdict.refused
    assert [f.check for f in verdict.warnings] == ["vllm-ascend-model"]
    assert "v0.20.2rc1" in verdict.warnings[0].message
    assert assess("v0.20.2rc1", driver="25.5.1", model="gpt-oss-120b", expert_parallel=True).warnings == ()


def test_no_driver_known_checks_the_release_alone():
    assert assess("v0.18.0rc1") == assess("v0.18.0rc1", driver="", firmware=None)
    assert not assess("v0.18.0rc1").refused


def test_every_row_is_sourced():
    for release in RELEASES.values():
        assert release.source and release.min_driver_source and release.gptoss.source, release.tag


def test_pins_follow_the_matrix():
    defaults = yaml.safe_load((REPO / "roles/vllm_ascend/defaults/main.yml").read_text())
    assert defaults["vllm_ascend_version"] == DEFAULT_RELEASE
    site = yaml.safe_load((REPO / "inventories/example/group_vars/ascend_hosts/site.yml").read_text())
    assert site["vllm_ascend_version"] == DEFAULT_RELEASE
    a3 = yaml.safe_load((REPO / "inventories/example/group_vars/atlas_a3/serving.yml").read_text())
    assert a3["vllm_ascend_version"] == "v0.20.2rc1" and lookup(a3["vllm_ascend_version"]).gptoss.gptoss_120b
    driver = yaml.safe_load((REPO / "roles/npu_driver/defaults/main.yml").read_text())["npu_driver_version"]
    assert not assess(DEFAULT_RELEASE, driver=driver).refused
    assert not assess(DEFAULT_RELEASE, driver=site["npu_driver_version"]).refused
