# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ascend chip catalogue as data, and the rules that resolve a chip's family.

Chip names mislead: a first-generation 910 can print ``910B`` and every A3 die prints ``Ascend910``.
The PCI device id is the reliable signal, then the name together with the DDR total (A2 and A3 have no DDR).
"""
from __future__ import annotations

from dataclasses import dataclass

HUAWEI_PCI_VENDOR = "19e5"


@dataclass(frozen=True)
class ChipFamily:
    family: str
    pci_device_id: str | None  # None for SoC parts without PCIe
    description: str
    bf16_capable: bool
    dies_per_npu: int  # devices (davinciN) per NPU id
    hbm_mb: int | None  # per device, only where every SKU of the family has the same
    image_variant: str | None  # vllm-ascend image tag suffix; None: gpt-oss cannot be served
    default_box: str


@dataclass(frozen=True)
class ChipModel:
    name: str  # as in the npu-smi info "Name" column
    family: str
    hbm_mb: int | None  # None: no HBM (the 310 family has DDR/LPDDR only)
    box: str | None


FAMILIES = {
    family.family: family for family in (
        ChipFamily("910B", "d802", "Ascend 910B (Atlas A2)", True, 1, None, "", "Atlas 800 A2"),
        ChipFamily("910_93", "d803", "Ascend 910_93 / 910C (Atlas A3)", True, 2, 65536, "-a3", "Atlas 800 A3"),
        ChipFamily("910", "d801", "Ascend 910 first generation (910A/ProA/ProB)", False, 1, 32768, None,
                   "Atlas 800 9000/9010"),
        ChipFamily("310P", "d500", "Ascend 310P", False, 1, None, "-310p", "Atlas 300I Pro/Duo"),
        ChipFamily("310", "d100", "Ascend 310", False, 1, None, None, "Atlas 300"),
        ChipFamily("310B", None, "Ascend 310B SoC", False, 1, None, None, "Atlas 200I A2"),
        # A5: no verified sample and no vllm-ascend image known, so not a serving target yet.
        ChipFamily("950", "d806", "Ascend 950 (Atlas A5)", True, 1, None, None, "Atlas 950"),
    )
}

CHIP_MODELS = {
    model.name: model for model in (
        ChipModel("910B1", "910B", 65536, "Atlas 800T A2"),
        ChipModel("910B2", "910B", 65536, "Atlas 800T A2"),
        ChipModel("910B2C", "910B", 65536, "Atlas 800T A2"),
        ChipModel("910B3", "910B", 65536, "Atlas 800T A2"),
        ChipModel("910B4", "910B", 32768, "Atlas 800I A2"),
        ChipModel("910B4-1", "910B", 65536, "Atlas 800I A2"),
        ChipModel("Ascend910", "910_93", 65536, "Atlas 800 A3"),
        ChipModel("910A", "910", 32768, "Atlas 800 9000/9010"),
        ChipModel("310P3", "310P", None, "Atlas 300I Pro/Duo"),
        ChipModel("310", "310", None, "Atlas 300"),
        ChipModel("310B4", "310B", None, "Atlas 200I A2"),
        ChipModel("Ascend950PR", "950", 131072, None),
        ChipModel("Ascend950DT", "950", 131072, None),
    )
}

# ascend-deployer's detection table: (PCI device, subsystem device) -> box.
BOX_BY_PCI_SUBSYSTEM = {
    ("d802", "3002"): "Atlas 800I A2",
    ("d802", "3004"): "Atlas 800I A2",
    ("d802", "3005"): "Atlas 800I A2",
    ("d803", "0100"): "Atlas 800I A3",
    ("d803", "3003"): "Atlas 800I A3",
}

# "910B" alone is the first-generation 910 ProB unless the chip has no DDR (A2 parts have none).
_AMBIGUOUS_910B = "910B"


def family_for_pci_device(device_id: str | None) -> ChipFamily | None:
    wanted = _hex4(device_id)
    if wanted is None:
        return None
    for family in FAMILIES.values():
        if family.pci_device_id == wanted:
            return family
    return None


def chip_model(name: str | None) -> ChipModel | None:
    """The catalogue entry for an npu-smi Name or an ``-m`` Chip Name ("Ascend 910B4")."""
    if not name:
        return None
    name = name.strip()
    if name.startswith("Ascend "):
        name = name[len("Ascend "):]
    return CHIP_MODELS.get(name)


def resolve_chip_family(name: str | None, hbm_total_mb: int | None, memory_total_mb: int | None,
                        pci_device_id: str | None = None) -> ChipFamily | None:
    """Resolve a chip's family: PCI id first, then the name, then the memory shape; None when unknown."""
    by_pci = family_for_pci_device(pci_device_id)
    if by_pci is not None:
        return by_pci
    clean_name = (name or "").strip()
    if clean_name.startswith("Ascend "):
        clean_name = clean_name[len("Ascend "):]
    if clean_name == _AMBIGUOUS_910B:
        if memory_total_mb is None:
            return None
        return FAMILIES["910" if memory_total_mb > 0 else "910B"]
    model = CHIP_MODELS.get(clean_name)
    if model is not None:
        return FAMILIES[model.family]
    # Unknown or anonymised name ("xxx"): only the HBM-with-DDR shape of first-gen 910 is unambiguous.
    if hbm_total_mb and memory_total_mb:
        return FAMILIES["910"]
    return None


def resolve_box_model(family: ChipFamily | None, chip_name: str | None = None, pci_device_id: str | None = None,
                      subsystem_device_id: str | None = None) -> str | None:
    """Box model: PCI subsystem table first, then the chip model, then the family default."""
    box = BOX_BY_PCI_SUBSYSTEM.get((_hex4(pci_device_id), _hex4(subsystem_device_id)))
    if box is not None:
        return box
    model = chip_model(chip_name)
    if model is not None and model.box is not None and family is not None and model.family == family.family:
        return model.box
    return family.default_box if family is not None else None


def hbm_mb_for(chip_name: str | None, family: ChipFamily | None) -> int | None:
    model = chip_model(chip_name)
    if model is not None and family is not None and model.family == family.family:
        return model.hbm_mb
    return family.hbm_mb if family is not None else None


def _hex4(value: str | None) -> str | None:
    """Normalise "0xD802", "d802\\n" and "D802" to "d802"."""
    if value is None:
        return None
    value = value.strip().lower()
    if value.startswith("0x"):
        value = value[2:]
    return value.zfill(4) if value else None
