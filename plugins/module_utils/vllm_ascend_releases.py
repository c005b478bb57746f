# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vllm-ascend's own compatibility contract, one row per exact release tag, and what it allows for gpt-oss.

Every row was read at its tag in github.com/vllm-project/vllm-ascend (``git show <tag>:<path>``):

- vLLM base, CANN, torch and torch_npu: ``docs/source/community/versioning_policy.md`` (release compatibility
  matrix), checked against ``Dockerfile`` (``FROM quay.io/ascend/cann:<CANN>-...``, ``ARG VLLM_TAG``) and
  ``pyproject.toml`` (``torch-npu==``) of the same tag. Where the image installs another torch_npu than the pip
  pin, the image's is given (that is what runs).
- Image variants: the tag's ``Dockerfile`` (A2, no suffix), ``Dockerfile.a3`` (``-a3``), ``Dockerfile.openEuler``
  (``-openeuler``) and ``Dockerfile.a3.openEuler`` (``-a3-openeuler``).
- Minimum host driver: see MIN_DRIVER_SOURCES. No vllm-ascend document names a firmware floor (Huawei ships the
  firmware with the same HDK release as the driver), so ``min_firmware`` is None and only checked where known.
- gpt-oss: sinks + sliding-window attention, the MoE bias and swigluoai first shipped in v0.15.0rc1 (PR 5901,
  "GPT-OSS Attention Support", release notes of v0.15.0rc1); v0.13.0's attention backend drops ``sinks``. The
  gpt-oss-120b tutorial (``docs/source/tutorials/models/gpt-oss-120b.md``, TP4 + ``--enable-expert-parallel``,
  ``cudagraph_mode`` FULL_DECODE_ONLY, A2 and ``-a3`` images) first exists at v0.20.2rc1. vLLM's graceful
  ``--shutdown-timeout`` exists from vLLM 0.18.0 (vllm PR 36666).

v0.18.0rc1 and v0.18.0 both ship CANN 8.5.1 at their tags. The published v0.18.0 install page names CANN 9.0.0
and torch-npu 2.9.0.post2: that text comes from the releases/v0.18.0 branch after the tag (PR 9138, 2026-05-20),
for the later post images; a maintainer confirms the v0.18.0 release shipped CANN 8.5.1 (vllm-ascend issue 9856).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.npuops.gptoss.plugins.module_utils.ascend_version import AscendVersionError, compare

# The recipe (FIELD-GUIDE section 2): gpt-oss-20b on Atlas 800 A2 with v0.18.0rc1, CANN 8.5.1, torch_npu 2.9.0.
DEFAULT_RELEASE = "v0.18.0rc1"
MIN_GPTOSS_RELEASE = "v0.15.0rc1"  # PR 5901
RECIPE_MIN_RELEASE = "v0.18.0rc1"  # the recipe says ">= 0.18.0" and runs v0.18.0rc1

RELEASE_VARIABLE = "vllm_ascend_version"
DRIVER_VARIABLE = "npu_driver_version"
FIRMWARE_VARIABLE = "npu_driver_firmware_version"

VARIANTS = ("", "-a3", "-openeuler", "-a3-openeuler")

# Why each minimum driver holds. Huawei pairs each CANN with an HDK (driver + firmware) release.
MIN_DRIVER_SOURCES = {
    "cann-8.5": ("vllm-ascend v0.13.0 docs/source/installation.md: Ascend HDK for CANN 8.5.0, '25.5 is "
                 "recommended'; the later CANN 8.5.x install pages only link Huawei's release notes"),
    "cann-9.0": ("vllm-ascend v0.20.2rc1 and later docs/source/user_guide/feature_guide/kv_pool.md: HDK >= 25.5 "
                 "with CANN >= 9.0.0 (A3), 'HDK >= 25.5 is recommended' (A2, from v0.23.0); the install page "
                 "links Huawei's CANN 9.0 release notes"),
    "cann-9.1": ("vllm-ascend v0.23.0 kv_pool.md: A2 'HDK >= 25.5 is recommended', A3 HDK >= 25.5 with CANN "
                 ">= 9.0.0; the install page links Huawei's CANN 9.1.0 release notes, which this collection has "
                 "not read"),
}
# vllm-ascend's release notes (v0.21.0rc1) and vllm_ascend/compilation/acl_graph.py (PR 10555) ask for
# HDK 25.5.1 or later for ACL graph capture without the old stream budget ("Alloc sq cq fail").
GRAPH_CAPTURE_DRIVER = "25.5.1"


class ReleaseError(ValueError):
    """A string that is not a vllm-ascend release tag."""


@dataclass(frozen=True)
class GptOssSupport:
    gptoss_20b: bool
    gptoss_120b: bool  # a vllm-ascend tutorial serves it at this tag
    expert_parallel: bool  # the tutorial's --enable-expert-parallel
    graph_modes: tuple  # cudagraph_mode values the tag's docs name for gpt-oss or as the default
    shutdown_timeout: bool  # vLLM base >= 0.18.0 (vllm PR 36666)
    source: str


@dataclass(frozen=True)
class Release:
    tag: str
    released: str  # date of the tag's commit
    vllm: str
    cann: str
    torch: str
    torch_npu: str
    min_driver: str
    min_driver_source: str
    min_firmware: str | None
    image_variants: tuple
    gptoss: GptOssSupport
    source: str
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "tag": self.tag, "released": self.released, "vllm": self.vllm, "cann": self.cann, "torch": self.torch,
            "torch_npu": self.torch_npu, "min_driver": self.min_driver, "min_driver_source": self.min_driver_source,
            "min_firmware": self.min_firmware, "image_variants": list(self.image_variants),
            "gptoss": {"gpt-oss-20b": self.gptoss.gptoss_20b, "gpt-oss-120b": self.gptoss.gptoss_120b,
                       "expert_parallel": self.gptoss.expert_parallel,
                       "graph_modes": list(self.gptoss.graph_modes),
                       "shutdown_timeout": self.gptoss.shutdown_timeout},
            "source": self.source, "note": self.note,
        }


_NO_GPTOSS = GptOssSupport(False, False, False, (), False,
                           "no gpt-oss attention before PR 5901 (v0.15.0rc1): the backend drops sinks")
_GPTOSS_ATTENTION = GptOssSupport(True, False, False, ("PIECEWISE",), False,
                                  "PR 5901 (release notes v0.15.0rc1); no gpt-oss-120b tutorial at this tag; "
                                  "graph_mode.md: ACLGraph (PIECEWISE) by default")
_GPTOSS_ATTENTION_018 = GptOssSupport(True, False, False, ("PIECEWISE",), True,
                                      "PR 5901; vLLM 0.18 base: --shutdown-timeout (vllm PR 36666); no gpt-oss-120b "
                                      "tutorial at this tag; graph_mode.md: ACLGraph by default, "
                                      "v0.18.0 installation.md logs cudagraph_mode PIECEWISE")
_GPTOSS_120B = GptOssSupport(True, True, True, ("PIECEWISE", "FULL_DECODE_ONLY"), True,
                             "docs/source/tutorials/models/gpt-oss-120b.md at this tag: TP4, --enable-expert-parallel, "
                             "cudagraph_mode FULL_DECODE_ONLY, A2 and -a3 images")
_GPTOSS_120B_FAP = GptOssSupport(True, True, True, ("PIECEWISE", "FULL_DECODE_ONLY", "FULL_AND_PIECEWISE"), True,
                                 "gpt-oss-120b.md at this tag; FULL_AND_PIECEWISE from v0.21.0rc1 (release notes, "
                                 "PR 9572; needs HDK 25.5.1+)")

_POLICY = "docs/source/community/versioning_policy.md, Dockerfile*, pyproject.toml at the tag"


def _row(tag, released, vllm, cann, torch, torch_npu, cann_line, gptoss, note=""):
    return Release(tag=tag, released=released, vllm=vllm, cann=cann, torch=torch, torch_npu=torch_npu,
                   min_driver="25.5.0", min_driver_source=MIN_DRIVER_SOURCES[cann_line], min_firmware=None,
                   image_variants=VARIANTS, gptoss=gptoss, source=_POLICY, note=note)


RELEASES = {release.tag: release for release in (
    _row("v0.13.0", "2026-02-05", "0.13.0", "8.5.0", "2.8.0", "2.8.0.post2", "cann-8.5", _NO_GPTOSS),
    _row("v0.15.0rc1", "2026-02-27", "0.15.0", "8.5.0", "2.9.0", "2.9.0", "cann-8.5", _GPTOSS_ATTENTION),
    _row("v0.16.0rc1", "2026-03-10", "0.16.0", "8.5.1", "2.9.0", "2.9.0", "cann-8.5", _GPTOSS_ATTENTION),
    _row("v0.17.0rc1", "2026-03-15", "0.17.0", "8.5.1", "2.9.0", "2.9.0", "cann-8.5", _GPTOSS_ATTENTION),
    _row("v0.18.0rc1", "2026-04-01", "0.18.0", "8.5.1", "2.9.0", "2.9.0.post1+git4c901a4", "cann-8.5",
         _GPTOSS_ATTENTION_018,
         note="the recipe's release; pyproject pins torch-npu 2.9.0, the Dockerfile installs the 2.9.0.post1 "
              "pre-release build (PR 7918)"),
    _row("v0.18.0", "2026-04-30", "0.18.0", "8.5.1", "2.9.0", "2.9.0.post1+git4c901a4", "cann-8.5",
         _GPTOSS_ATTENTION_018,
         note="CANN 8.5.1 at the tag (Dockerfile, installation.md); the published install page's CANN 9.0.0 / "
              "torch-npu 2.9.0.post2 is the releases/v0.18.0 branch after the tag (PR 9138, issue 9856)"),
    _row("v0.19.1rc1", "2026-04-30", "0.19.1", "8.5.1", "2.9.0", "2.9.0", "cann-8.5", _GPTOSS_ATTENTION_018),
    _row("v0.20.2rc1", "2026-06-03", "0.20.2", "9.0.0", "2.10.0", "2.10.0", "cann-9.0", _GPTOSS_120B,
         note="the gpt-oss-120b tutorial's release (A2 and -a3)"),
    _row("v0.21.0rc1", "2026-06-12", "0.21.0", "9.0.0", "2.10.0", "2.10.0", "cann-9.0", _GPTOSS_120B_FAP),
    _row("v0.22.1rc1", "2026-06-30", "0.22.1", "9.0.0", "2.10.0", "2.10.0", "cann-9.0", _GPTOSS_120B_FAP),
    _row("v0.23.0rc1", "2026-07-19", "0.23.0", "9.0.1", "2.10.0", "2.10.0.post2", "cann-9.0", _GPTOSS_120B_FAP),
    _row("v0.23.0", "2026-08-17", "0.23.0", "9.1.0", "2.10.0", "2.10.0.post4", "cann-9.1", _GPTOSS_120B_FAP),
    _row("v0.24.0rc1", "2026-08-04", "0.24.0", "9.0.1", "2.10.0", "2.10.0.post2", "cann-9.0", _GPTOSS_120B_FAP),
    _row("v0.25.1rc1", "2026-08-19", "0.25.1", "9.0.1", "2.10.0", "2.10.0.post2", "cann-9.0", _GPTOSS_120B_FAP,
         note="newest tag; its own row is not in its versioning_policy.md: CANN, vLLM and torch-npu from its "
              "Dockerfile, installation.md and pyproject.toml (CANN 9.1.0 reverted to 9.0.1, PR 14561)"),
)}

# v0.7.3, v0.9.1rc2, v0.13.0rc3, v0.18.0, v0.7.3.post1 (PEP 440, as versioning_policy.md names them).
_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:rc(\d+))?(?:\.post(\d+))?$")


def release_key(tag: str) -> tuple:
    """Order vllm-ascend tags: a release candidate precedes its release, a post release follows it."""
    match = _TAG.match(str(tag).strip())
    if not match:
        raise ReleaseError("%r is not a vllm-ascend release tag (such as v0.18.0rc1 or v0.18.0)" % tag)
    major, minor, micro, rc, post = match.groups()
    return (int(major), int(minor), int(micro), int(rc) if rc is not None else float("inf"), int(post or 0))


def compare_releases(left: str, right: str) -> int:
    a, b = release_key(left), release_key(right)
    return (a > b) - (a < b)


def known_tags() -> list:
    return sorted(RELEASES, key=release_key)


def lookup(tag: str) -> Release:
    release = RELEASES.get(str(tag).strip())
    if release is None:
        raise ReleaseError(_unknown_message(tag))
    return release


def _unknown_message(tag: str) -> str:
    return ("%s=%s is not a vllm-ascend release this collection knows (plugins/module_utils/vllm_ascend_releases.py); "
            "known: %s" % (RELEASE_VARIABLE, tag, ", ".join(known_tags())))


@dataclass(frozen=True)
class Finding:
    check: str  # vllm-ascend-release, vllm-ascend-driver, vllm-ascend-firmware, vllm-ascend-model
    variable: str
    message: str

    def as_dict(self) -> dict:
        return {"check": self.check, "variable": self.variable, "message": self.message}


@dataclass(frozen=True)
class Assessment:
    release: Release | None
    refusals: tuple
    warnings: tuple

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    def as_dict(self) -> dict:
        return {"release": self.release.as_dict() if self.release else None,
                "refusals": [f.as_dict() for f in self.refusals], "warnings": [f.as_dict() for f in self.warnings]}


def assess(tag: str, driver: str | None = None, firmware: str | None = None, model: str | None = None,
           expert_parallel: bool = False, driver_origin: str = "") -> Assessment:
    """What the matrix says about serving gpt-oss with release ``tag`` on a host with ``driver`` / ``firmware``.

    ``driver_origin`` says where the driver version came from, for the message ("the pin", "running").
    """
    refusals, warnings = [], []
    try:
        release_key(tag)
    except ReleaseError as exc:
        return Assessment(None, (Finding("vllm-ascend-release", RELEASE_VARIABLE, "%s=%s: %s"
                                         % (RELEASE_VARIABLE, tag, exc)),), ())
    if compare_releases(tag, MIN_GPTOSS_RELEASE) < 0:
        refusals.append(Finding("vllm-ascend-release", RELEASE_VARIABLE, (
            "%s=%s cannot serve gpt-oss: vllm-ascend needs %s or later (gpt-oss attention with sinks and sliding "
            "window, MoE bias and swigluoai: PR 5901; v0.13.0's attention backend drops sinks). Use %s"
            % (RELEASE_VARIABLE, tag, MIN_GPTOSS_RELEASE, DEFAULT_RELEASE))))
    release = RELEASES.get(str(tag).strip())
    if release is None:
        if not refusals:
            refusals.append(Finding("vllm-ascend-release", RELEASE_VARIABLE, _unknown_message(tag)))
        return Assessment(None, tuple(refusals), ())
    if not refusals and compare_releases(tag, RECIPE_MIN_RELEASE) < 0:
        warnings.append(Finding("vllm-ascend-release", RELEASE_VARIABLE, (
            "%s=%s is below %s, the oldest release the gpt-oss recipe was tested on (vLLM %s, CANN %s): "
            "gpt-oss runs from %s, but prefer %s"
            % (RELEASE_VARIABLE, tag, RECIPE_MIN_RELEASE, release.vllm, release.cann, MIN_GPTOSS_RELEASE,
               DEFAULT_RELEASE))))
    origin = " (%s)" % driver_origin if driver_origin else ""
    if driver:
        try:
            if compare(driver, release.min_driver) < 0:
                refusals.append(Finding("vllm-ascend-driver", DRIVER_VARIABLE, (
                    "NPU driver %s%s is below %s, the minimum for vllm-ascend %s (CANN %s; %s): set %s to %s or "
                    "later" % (driver, origin, release.min_driver, release.tag, release.cann,
                               release.min_driver_source, DRIVER_VARIABLE, release.min_driver))))
        except AscendVersionError as exc:
            refusals.append(Finding("vllm-ascend-driver", DRIVER_VARIABLE, "%s: %s" % (DRIVER_VARIABLE, exc)))
    if firmware and release.min_firmware:
        try:
            if compare(firmware, release.min_firmware) < 0:
                refusals.append(Finding("vllm-ascend-firmware", FIRMWARE_VARIABLE, (
                    "NPU firmware %s is below %s, the minimum for vllm-ascend %s: set %s to %s or later"
                    % (firmware, release.min_firmware, release.tag, FIRMWARE_VARIABLE, release.min_firmware))))
        except AscendVersionError as exc:
            refusals.append(Finding("vllm-ascend-firmware", FIRMWARE_VARIABLE, "%s: %s" % (FIRMWARE_VARIABLE, exc)))
    if not refusals and release.gptoss.gptoss_20b:
        if model == "gpt-oss-120b" and not release.gptoss.gptoss_120b:
            warnings.append(Finding("vllm-ascend-model", RELEASE_VARIABLE, (
                "%s=%s has no gpt-oss-120b tutorial (the first is v0.20.2rc1, TP4 with expert parallelism): "
                "120b is untested on this release" % (RELEASE_VARIABLE, tag))))
        elif expert_parallel and not release.gptoss.expert_parallel:
            warnings.append(Finding("vllm-ascend-model", RELEASE_VARIABLE, (
                "%s=%s documents no gpt-oss expert parallelism (first in v0.20.2rc1)" % (RELEASE_VARIABLE, tag))))
    return Assessment(release, tuple(refusals), tuple(warnings))
