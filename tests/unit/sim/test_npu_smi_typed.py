"""``npu-smi info -t <type>`` parser against every real key : value capture in fixtures/npu_smi."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/unit: shared sample helpers
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "sim" / "npu" / "parsers"))  # test-only parsers

from ansible_collections.npuops.gptoss.plugins.module_utils.npu_parse_error import NpuSmiParseError
from npu_smi_typed import parse_npu_smi_typed
from npu_smi_samples import sample, sample_files, sections

DUO = "t_board_memory_product_common_health_310P3_duo_npuid2944_25.5.1.txt"
DOC_910 = "t_board_usages_health_ecc_910_23.0.5_huawei-doc.txt"
GPUSTACK = "t_common_usages_910-and-310P_gpustack.txt"
MISC = "t_memory_common_procmem_misc.txt"
TELEGRAF = "t_usages_board_temp_power_list_910B_25.5.1_telegraf.txt"
B1 = "info_910B1_x8_23.0.rc2_elided_plus_usages_common_topo_help.txt"
LSPCI = "lspci_d802_910B4_x8.txt"

# (file, section) -> (npu_id, chip_count, {chip_id: fields subset}, card fields subset, [mcu fields subsets])
EXPECTED = {
    (DUO, "-t board -i 2944"): (2944, 2, {}, {
        "Product Name": "IT21PD2G10", "Serial Number": "2106030737ZERC003572", "Software Version": "25.5.1",
        "Firmware Version": "7.8.0.6.201", "PCIe Bus Info": "0000:0C:00.0", "Slot ID": "NA",
        "PCI Device ID": "0xD500", "Subsystem Device ID": "0x0110", "Chip Fault": "0"}, []),
    (DUO, "-t common -i 2944"): (2944, 2, {
        0: {"Memory Usage Rate(%)": "2", "Temperature(C)": "45"},
        1: {"Memory Usage Rate(%)": "3", "Temperature(C)": "47"}}, {},
        [{"Chip Name": "mcu", "Temperature(C)": "48", "NPU Real-time Power(W)": "42.8"}]),
    (DUO, "-t usages -i 2944"): (2944, 2, {
        0: {"DDR Capacity(MB)": "44278", "DDR Usage Rate(%)": "2"},
        1: {"DDR Capacity(MB)": "43693", "DDR Usage Rate(%)": "3"}}, {}, []),
    (DUO, "-t memory -i 2944"): (2944, 2, {
        0: {"Total DDR Capacity(MB)": "49152", "DDR Capacity(MB)": "44278", "DDR Clock Speed(MHz)": "451"},
        1: {"Total DDR Capacity(MB)": "49152", "DDR Capacity(MB)": "43693"}}, {}, []),
    (DUO, "-t product -i 2944"): (2944, 2, {
        0: {"Product Type": "Atlas 300I Duo"}, 1: {"Product Type": "Atlas 300I Duo"}}, {}, []),
    (DUO, "-t health -i 2944"): (2944, 2, {0: {"Health": "OK"}, 1: {"Health": "OK"}}, {},
                                 [{"Health": "OK", "Chip Name": "MCU"}]),
    (DOC_910, "-i 0 -t board ="): (0, 1, {}, {
        "Software Version": "23.0.5", "Firmware Version": "7.1.0.7.220", "PCI Vendor ID": "0x19e5",
        "PCI Device ID": "0xD801", "Subsystem Vendor ID": "0x0200", "Subsystem Device ID": "0x0100"}, []),
    (DOC_910, "-i 0 -c 0 -t board"): (0, None, {0: {
        "Chip Type": "Ascend", "Chip Name": "xxx", "Chip Version": "V1",
        "VDie ID": "42C711D4 20B03704 4A10C8D4 14CC040A D2102003", "Firmware Version": "7.1.0.7.220"}}, {}, []),
    (DOC_910, "-i 0 -t usages"): (0, 1, {0: {"DDR Capacity(MB)": "13553", "HBM Capacity(MB)": "32768"}}, {}, []),
    (DOC_910, "-c 0 -t health"): (None, None, {}, {
        "Health Status": "OK", "Error Code": "NA", "Error Information": "NA"}, []),
    (DOC_910, "-t ecc"): (0, 1, {0: {"HBM Double Bit Error Count": "0", "DDR Single Bit Isolated Pages Count": "0"}},
                          {}, []),
    (GPUSTACK, "-t common -i 0"): (0, 1, {0: {
        "Aicore Count": "32", "Aicore Freq(MHZ)": "1000", "NPU Real-time Power(W)": "69.0"}}, {},
        [{"Chip Name": "mcu", "Temperature(C)": "48", "NPU Real-time Power(W)": "45.2"}]),
    (GPUSTACK, "-t common -i 1"): (1, 2, {
        0: {"Aicore Freq(MHZ)": "1080", "Aicore curFreq(MHZ)": "960", "Temperature(C)": "60"},
        1: {"Temperature(C)": "59"}}, {}, [{"Chip Name": "mcu", "NPU Real-time Power(W)": "45.2"}]),
    (GPUSTACK, "-t usages -i 0"): (0, 1, {0: {"DDR Capacity(MB)": "15171", "HBM Capacity(MB)": "32768",
                                              "Ctrlcpu Usage Rate(%)": "9"}}, {}, []),
    (GPUSTACK, "-t usages -i 1"): (1, 2, {
        0: {"DDR Capacity(MB)": "44280", "DVPP JPEGD Usage Rate(%)": "0", "DDR Bandwidth Usage Rate(%)": "51"},
        1: {"DDR Capacity(MB)": "43693", "Ctrlcpu Usage Rate(%)": "3"}}, {}, []),
    (MISC, "-t memory -i 0 -c 0` on a 910B3"): (None, None, {}, {
        "DDR Capacity(MB)": "0", "HBM Capacity(MB)": "65536", "HBM Clock Speed(MHz)": "1600",
        "HBM Manufacturer ID": "0x56"}, []),
    (MISC, "Query the memory information"): (0, None, {}, {"HBM Capacity(MB)": "131072", "HBM Temperature(C)": "63"},
                                             []),
    (MISC, "Query the common information"): (0, None, {}, {
        "HBM Usage Rate(%)": "3", "Aicore Count": "32", "NPU Real-time Power(W)": "298.6"}, []),
    (MISC, "A3 `npu-smi info -t board -i N` fragment"): (None, 2, {}, {
        "Product Name": "IT22HMDA_2_S", "PCI Device ID": "0xD803", "Subsystem Device ID": "0x3001"}, []),
    (TELEGRAF, "-t usages -i 0"): (0, 1, {0: {
        "HBM Capacity(MB)": "65536", "HBM Usage Rate(%)": "5", "NPU Utilization(%)": "0",
        "Aicube Usage Rate(%)": "0"}}, {}, []),
    (TELEGRAF, "-t board -i 0"): (0, 1, {}, {
        "Product Name": "IT21HMDC_Bin5", "Serial Number": "1025C9048791", "PCI Device ID": "0xD802",
        "Subsystem Vendor ID": "0x19E5", "Subsystem Device ID": "0x3003"}, []),
    (TELEGRAF, "-t temp -i 0"): (0, 1, {0: {"NPU Temperature (C)": "39"}}, {},
                                 [{"LM75A_TE (C)": "36", "LM75B_TE (C)": "36", "Chip Name": "MCU"}]),
    (TELEGRAF, "-t power -i 0"): (0, 1, {0: {"NPU Real-time Power(W)": "103.5"}}, {}, []),
    (B1, "-t usages -i 0"): (0, 1, {0: {"HBM Capacity(MB)": "65536", "HBM Usage Rate(%)": "4"}}, {}, []),
    (B1, "-t common -i 1"): (1, 1, {0: {"Aicore Count": "24", "Aicore Freq(MHZ)": "1800",
                                        "NPU Real-time Power(W)": "93.4"}}, {},
                             [{"Chip Name": "mcu", "Temperature(C)": "38"}]),
    (LSPCI, "-b mcu -i 0 (before)"): (None, None, {}, {"Version": "23.3.13"}, []),
    (LSPCI, "-b mcu -i 0 (after)"): (None, None, {}, {"Version": "25.50.10"}, []),
}
# Same line shape, different commands: -l has its own parser, proc-mem is not parsed by this collection.
NOT_TYPED = ("Total Count", "Process id:", "No process in device")


@pytest.mark.parametrize("name, section", sorted(EXPECTED), ids=lambda value: value[:40])
def test_parses_real_typed_output(name, section):
    npu_id, chip_count, chips, card, mcus = EXPECTED[(name, section)]
    parsed = parse_npu_smi_typed(sample(name, section))
    assert (parsed.npu_id, parsed.chip_count) == (npu_id, chip_count)
    assert sorted(s.chip_id for s in parsed.sections if s.chip_id is not None) == sorted(chips)
    for chip_id, fields in chips.items():
        assert fields.items() <= parsed.chip(chip_id).fields.items()
    assert card.items() <= parsed.card_fields.items()
    assert bool(card) == bool(parsed.card_fields)
    assert len(parsed.mcu_sections) == len(mcus)
    for section_found, fields in zip(parsed.mcu_sections, mcus):
        assert fields.items() <= section_found.fields.items()


def test_every_typed_sample_is_covered():
    def typed_shape(text):
        lines = [line for line in text.splitlines() if line.strip()]
        return lines and all(" : " in line for line in lines) and not any(m in text for m in NOT_TYPED)

    found = {(name, label) for name in sample_files() for label, text in sections(name).items() if typed_shape(text)}
    assert len(found) == len(EXPECTED)
    for name, label in found:
        assert [key for key in EXPECTED if key[0] == name and key[1] in label], (name, label)


def test_continuation_lines_extend_the_value_above():
    text = sample(DOC_910, "-c 0 -t health").replace(
        " Error Information              : NA",
        " Error Information              : first error\n                                : second error")
    assert parse_npu_smi_typed(text).card_fields["Error Information"] == "first error\nsecond error"


@pytest.mark.parametrize("text, line_no", [
    ("\tNPU ID : 0\n\tChip Count : 1\n\n\tNo process in device.\n", 4),
    ("\t: dangling\n", 1),
    ("\tNPU ID : x\n", 1),
    ("\tNPU ID : 0\n\n\tHBM Capacity(MB) : 1\n\tHBM Capacity(MB) : 1\n", 4),
    ("\tNPU ID : 0\n\n\tChip ID : 0\n\tA : 1\n\n\tChip ID : 0\n\tA : 1\n", 6),
    ("\tNPU ID : 0\n\n\tA : 1\n\tChip ID : 0\n\tNPU ID : 1\n", 5),
])
def test_bad_typed_output_names_the_line(text, line_no):
    with pytest.raises(NpuSmiParseError) as raised:
        parse_npu_smi_typed(text)
    assert raised.value.line_no == line_no


def test_empty_output_is_an_error():
    with pytest.raises(NpuSmiParseError):
        parse_npu_smi_typed("\n")
