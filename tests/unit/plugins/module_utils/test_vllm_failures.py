"""The classifier against the failure texts the field guide and vllm-ascend issues give, and the ladders' order."""
import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_failures import classify

ROPE = "(EngineCore_DP0 pid=81) RuntimeError: RopeOperation setup failed!"
# vllm-ascend issue 3895: the capture failure is spread over several lines, none of which says "ACL Graph".
ACL = ("RuntimeError: The Inner error is reported as above. The process exits for this inner error, "
       "and the current working operator name is aclmdlRICaptureEnd.")
ACL_REST = ("EZ9999: Inner Error!\n"
            "EZ9999: [PID: 97] Not allow to synchronize captured-stream, stream_id=20.\n"
            "       rtStreamSynchronizeWithTimeout execute failed, reason=[stream is captured]")
OOM = "torch.OutOfMemoryError: NPU out of memory. Tried to allocate 2.00 GiB (NPU 0; 29.50 GiB total capacity)"
VOCAB = "openai_harmony.HarmonyError: error downloading or loading vocab file: failed to download or load vocab file"
HAL = "ImportError: libascend_hal.so: cannot open shared object file: No such file or directory"


@pytest.mark.parametrize("line, kind, step", [
    (ROPE, "rope_operation", "enforce_eager"),
    (ACL, "acl_graph_capture", "hccl_aiv"),
    (OOM, "npu_oom", "expandable_segments"),
    (VOCAB, "harmony_vocab", None),
    (HAL, "driver_mount", None),
])
def test_first_step_of_each_failure(line, kind, step):
    diagnosis = classify(f"INFO starting\n{line}\n{ACL_REST}\nERROR Engine core initialization failed\n"
                         if line == ACL else f"INFO starting\n{line}\nERROR Engine core initialization failed\n")
    assert (diagnosis.kind, diagnosis.next_step) == (kind, step)
    assert diagnosis.evidence == line


def test_ladder_moves_on_past_applied_steps():
    assert classify(ACL, ["hccl_aiv"]).next_step == "enforce_eager"
    assert classify(OOM, ["expandable_segments", "max_model_len_32k"]).next_step == "max_num_seqs_4"
    exhausted = classify(ROPE, ["enforce_eager"])
    assert exhausted.next_step is None and "already applied" in exhausted.hint


def test_failures_without_a_serving_remedy_say_what_to_change():
    assert "TIKTOKEN_ENCODINGS_BASE" in classify(VOCAB).hint
    assert "lib64" in classify(HAL).hint


def test_unknown_failure_keeps_the_last_line_as_evidence():
    diagnosis = classify("booting\nSegmentation fault (core dumped)\n\n")
    assert (diagnosis.kind, diagnosis.next_step, diagnosis.evidence) == ("unknown", None, "Segmentation fault (core dumped)")


# vllm-ascend issue 405, verbatim: a second TP=4 process on the same host, both on HCCL's default port.
HCCL_COLLISION = """\
[rank0]: RuntimeError: createHCCLComm:build/CMakeFiles/torch_npu.dir/compiler_depend.ts:1479 HCCL function error: \
HcclGetRootInfo(&hcclID), error code is 11
[rank0]: [ERROR] 2025-03-26-17:01:03 (PID:159, Device:0, RankID:-1) ERR02200 DIST call hccl api failed.
[rank0]: EJ0003: [PID: 159] 2025-03-26-17:01:02.816.428 Failed to bind the IP port. Reason: The IP address and port \
have been bound already.
[rank0]:         TraceBack (most recent call last):
[rank0]:         host nic listen start failed, port[60000], return[11][FUNC:StartListenSocket][FILE:network_manager.cc]\
[LINE:1163]
"""


def test_hccl_port_collision_names_the_port_setting():
    diagnosis = classify(HCCL_COLLISION)
    assert (diagnosis.kind, diagnosis.next_step) == ("hccl_port_in_use", None)
    assert diagnosis.evidence.startswith("[rank0]: EJ0003: [PID: 159]")
    assert "vllm_ascend_hccl_base_port" in diagnosis.hint
