"""Tests of the stand-in vllm-ascend `vllm` command (sim/vllm/vllm).

Each test runs the program as a subprocess against a fake host under a temporary NPUOPS_SIM_ROOT:
driver files, /dev nodes (plain files; the stand-in only checks that they exist) and the topology
in the driver's lib64 directory, where the simulated driver install puts it. Startup delays are
set to zero in the topology so the suite stays fast. The expected texts are the real ones quoted
in sim/vllm/README.md.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/unit: shared helpers

from vllm_host_fakes import make_host

from ansible_collections.npuops.gptoss.plugins.module_utils.vllm_failures import classify

REPO = Path(__file__).resolve().parents[3]
VLLM = REPO / "sim" / "vllm" / "vllm"
NPU_SMI = REPO / "sim" / "npu" / "npu-smi"
MODELS = Path(__file__).resolve().parent / "fixtures" / "vllm"
BF16_20B, BF16_120B, MXFP4_20B = MODELS / "gpt-oss-20b-bf16", MODELS / "gpt-oss-120b-bf16", MODELS / "gpt-oss-20b-mxfp4"


@pytest.fixture
def host(tmp_path):
    return make_host(tmp_path)


def run(args, env, timeout=30):
    return subprocess.run([sys.executable, str(VLLM)] + [str(a) for a in args], env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def fails(args, env, *texts, code=1):
    result = run(args, env)
    assert result.returncode == code, result.stdout + result.stderr
    for text in texts:
        assert text in result.stderr, result.stderr
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, args, env):
        self.env = env
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, str(VLLM), "serve"] + [str(a) for a in args] +
                                     ["--host", "127.0.0.1", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = "http://127.0.0.1:%d" % self.port
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited: " + self.proc.stdout.read() + self.proc.stderr.read())
            try:
                if self.get("/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("server did not answer /health")

    def request(self, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict({"Content-Type": "application/json"}, **(headers or {}))
        req = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def get(self, path, **kw):
        return self.request(path, **kw)

    def post(self, path, body, **kw):
        status, text = self.request(path, body, **kw)
        return status, (json.loads(text) if not body.get("stream") else text)

    def chat(self, messages, **kw):
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        body = dict({"model": "gpt-oss-20b", "messages": messages, "temperature": 0}, **kw)
        status, reply = self.post("/v1/chat/completions", body)
        assert status == 200, reply
        return reply

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


SERVE_20B = [BF16_20B, "--tensor-parallel-size", "2", "--served-model-name", "gpt-oss-20b",
             "--reasoning-parser", "openai_gptoss", "--enable-auto-tool-choice", "--tool-call-parser", "openai",
             "--max-model-len", "32768", "--max-num-seqs", "8"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gpt-oss-20b at TP2 on two 910B4 chips: the field guide's layout for 32 GB chips."""
    srv = Server(SERVE_20B, make_host(tmp_path_factory.mktemp("host"), serving={"token_delay_ms": 1}))
    yield srv
    srv.stop()


# ------------------------------------------------------------------------------------------- CLI

def test_version_needs_no_driver(tmp_path):
    result = run(["--version"], dict(os.environ, NPUOPS_SIM_ROOT=str(tmp_path)))
    assert result.returncode == 0 and result.stdout.strip() == "0.13.0"
    result = run(["--version"], dict(os.environ, NPUOPS_SIM_ROOT=str(tmp_path), NPUOPS_SIM_VLLM_VERSION="0.18.0"))
    assert result.stdout.strip() == "0.18.0"


def test_unknown_flag_is_an_argparse_error(host):
    result = fails(["serve", BF16_20B, "--max-modl-len", "4096"], host,
                   "vllm: error: unrecognized arguments: --max-modl-len 4096", code=2)
    assert result.stderr.startswith("usage: vllm [-h] [-v] {chat,complete,serve,bench,collect-env,run-batch} ...")
    fails(["serve", BF16_20B, "-tp", "two"], host,
          "vllm serve: error: argument --tensor-parallel-size/-tp: invalid int value: 'two'", code=2)
    fails(["serve", BF16_20B, "--dtype", "fp8"], host, "vllm serve: error: argument --dtype: invalid choice", code=2)


# -------------------------------------------------------------------------------- startup contract

def test_missing_driver_lib64_gives_the_libascend_hal_error(host):
    shutil.rmtree(Path(host["NPUOPS_SIM_ROOT"]) / "usr/local/Ascend/driver/lib64")
    fails(["serve", BF16_20B], host, "ImportError: libascend_hal.so: cannot open shared object file: "
                                     "No such file or directory",
          "RuntimeError: Failed to load the backend extension: torch_npu.")


@pytest.mark.parametrize("mount", ["usr/local/Ascend/driver/version.info", "usr/local/dcmi", "usr/local/bin/npu-smi",
                                   "etc/ascend_install.info"])
def test_every_driver_mount_is_required(host, mount):
    path = Path(host["NPUOPS_SIM_ROOT"]) / mount
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    fails(["serve", BF16_20B], host, "[npuops-sim] /%s is missing" % mount)


def test_topology_must_arrive_with_the_driver_mount(host):
    (Path(host["NPUOPS_SIM_ROOT"]) / "usr/local/Ascend/driver/lib64/npuops-sim/npu.json").unlink()
    fails(["serve", BF16_20B, "-tp", "2"], host, "[npuops-sim] no simulated NPU topology at")


def test_too_few_devices_for_tensor_parallel(host):
    fails(["serve", BF16_20B, "-tp", "4"], host, "set device=2, valid device range is [0, 2)",
          "(Worker_TP0 pid=", "RuntimeError: Engine core initialization failed. See root cause above.")


def test_visible_devices_index_the_container_devices(host):
    env = dict(host, ASCEND_RT_VISIBLE_DEVICES="4,5")
    fails(["serve", BF16_20B, "-tp", "2"], env, "set ASCEND_RT_VISIBLE_DEVICES:[4,5] error, input data rang[0-2)",
          "valid device range is [0, 0)")


def test_a_taken_hccl_port_gives_the_real_ej0003_bind_failure(host):
    # Two TP>1 instances on the host network with one HCCL_IF_BASE_PORT: vllm-ascend issue 405's text.
    with socket.socket() as taken:
        taken.bind(("", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        fails(["serve", BF16_20B, "-tp", "2"], dict(host, HCCL_IF_BASE_PORT=str(port)),
              "HCCL function error: HcclGetRootInfo(&hcclID), error code is 11",
              "ERR02200 DIST call hccl api failed.",
              "Failed to bind the IP port. Reason: The IP address and port have been bound already.",
              "host nic listen start failed, port[%d], return[11][FUNC:StartListenSocket][FILE:network_manager.cc]"
              "[LINE:1163]" % port,
              "(Worker_TP0 pid=", "RuntimeError: Engine core initialization failed. See root cause above.")


def test_control_nodes_are_required(host):
    (Path(host["NPUOPS_SIM_ROOT"]) / "dev/davinci_manager").unlink()
    fails(["serve", BF16_20B, "-tp", "2"], host, "valid device range is [0, 0)")


def test_model_dir_needs_config_json(host, tmp_path):
    fails(["serve", tmp_path / "nothing"], host, "Invalid repository ID or local directory specified: '%s'."
          % (tmp_path / "nothing"), "1 validation error for ModelConfig")


def test_official_mxfp4_weights_are_refused(host):
    fails(["serve", MXFP4_20B, "-tp", "2"], host,
          "Value error, mxfp4 quantization is currently not supported in npu.")


def test_quantization_flag_mxfp4_is_refused(host):
    fails(["serve", BF16_20B, "-tp", "2", "--quantization", "mxfp4"], host,
          "mxfp4 quantization is currently not supported in npu.")


def test_float16_is_refused_for_gpt_oss(host):
    fails(["serve", BF16_20B, "-tp", "2", "--dtype", "float16"], host,
          "The model type 'gpt_oss' does not support float16.")


def test_max_model_len_beyond_the_model(host):
    fails(["serve", BF16_20B, "-tp", "2", "--max-model-len", "256k"], host,
          "User-specified max_model_len (256000) is greater than the derived max_model_len "
          "(max_position_embeddings=131072.0")


def test_reasoning_parser_must_be_a_registered_name(host):
    fails(["serve", BF16_20B, "-tp", "2", "--reasoning-parser", "GptOss"], host,
          "KeyError: 'invalid reasoning parser: GptOss (chose from {")


def test_weights_beyond_the_chip_give_the_npu_oom(host):
    result = fails(["serve", BF16_20B], host, "torch.OutOfMemoryError: NPU out of memory. Tried to allocate ",
                   "(NPU 0; 29.20 GiB total capacity;", "Engine core initialization failed")
    assert "EngineCore failed to start." in result.stderr


def test_120b_does_not_fit_on_eight_910b4(tmp_path):
    env = make_host(tmp_path, devices=8)
    fails(["serve", BF16_120B, "-tp", "8", "--enable-expert-parallel", "--max-model-len", "4096"], env,
          "NPU out of memory")


def test_kv_cache_that_cannot_hold_one_sequence(tmp_path):
    env = make_host(tmp_path, chip="910B3", devices=1)
    result = fails(["serve", BF16_20B, "--gpu-memory-utilization", "0.72"], env,
                   "ValueError: To serve at least one request with the models's max seq len (131072)",
                   "Based on the available memory, the estimated maximum model length is")
    assert "Available KV cache memory:" in result.stdout


def test_no_memory_left_for_the_kv_cache(tmp_path):
    env = make_host(tmp_path, chip="910B3", devices=1)
    fails(["serve", BF16_20B, "--gpu-memory-utilization", "0.6"], env,
          "ValueError: No available memory for the cache blocks.")


def test_hbm_override_in_the_topology_counts(tmp_path):
    env = make_host(tmp_path, chip="910B3", devices=1, chips={"0": {"hbm_total": 32768}})
    fails(["serve", BF16_20B], env, "(NPU 0; 28.64 GiB total capacity;")


def test_hbm_override_follows_the_logic_id_when_physical_ids_differ(tmp_path):
    # A3 topology whose logic 0 is /dev/davinci8: the container sees davinci8, the override is keyed by logic id 0.
    env = make_host(tmp_path, chip="Ascend910", devices=0, chips={"0": {"hbm_total": 32768}})
    root = Path(env["NPUOPS_SIM_ROOT"])
    topo_file = root / "usr/local/Ascend/driver/lib64/npuops-sim/npu.json"
    topo = json.loads(topo_file.read_text())
    topo["phy_ids"] = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]
    topo_file.write_text(json.dumps(topo))
    (root / "dev" / "davinci8").write_text("char 235:8\n")
    # 32 GB instead of the A3 die's 64 GB: the weights no longer fit.
    fails(["serve", BF16_20B], env, "(NPU 0; 28.78 GiB total capacity;")


def test_first_generation_910_cannot_serve_bf16(tmp_path):
    fails(["serve", BF16_20B, "-tp", "2"], make_host(tmp_path, chip="910B"),
          "bfloat16 of tbe.dsl.transdata is not supported")


def test_offline_host_without_tiktoken_files(host):
    env = {k: v for k, v in host.items() if k != "TIKTOKEN_ENCODINGS_BASE"}
    result = fails(["serve", BF16_20B, "-tp", "2"], env, "openai_harmony.HarmonyError: error downloading or loading "
                                                         "vocab file: failed to download or load vocab file")
    assert "Starting vLLM API server" not in result.stdout
    os.unlink(Path(host["TIKTOKEN_ENCODINGS_BASE"]) / "o200k_base.tiktoken")
    fails(["serve", BF16_20B, "-tp", "2"], host, "HarmonyError: error downloading or loading vocab file")


def worker_lines(stderr, who="Worker_TP0"):
    """The lines vLLM v1 prints for a worker's exception: `(Worker_TP0 pid=N) ERROR MM-DD HH:MM:SS [file.py:N] ...`."""
    return [line for line in stderr.splitlines()
            if re.match(r"^\(%s pid=\d+\) ERROR \d\d-\d\d \d\d:\d\d:\d\d \[multiproc_executor\.py:\d+\] " % who, line)]


def test_rope_fault_is_fixed_by_enforce_eager(tmp_path):
    env = make_host(tmp_path, serving={"faults": ["rope_operation"]})
    result = fails(["serve", BF16_20B, "-tp", "2"], env, "RuntimeError: RopeOperation setup failed!")
    # torch_npu's own line behind the process prefix (issue 2720), then the exception in the worker's ERROR lines.
    assert re.search(r"^\(Worker_TP0 pid=\d+\) \[rank0\]:\[E\d{4} [\d:.]+ compiler_depend\.ts:429\] "
                     r"RopeOperation setup failed!$", result.stderr, re.MULTILINE), result.stderr
    assert any(line.endswith("] RuntimeError: RopeOperation setup failed!") for line in worker_lines(result.stderr))
    srv = Server([BF16_20B, "-tp", "2", "--enforce-eager"], env)
    srv.stop()


def test_graph_capture_fault_is_fixed_by_eager_mode_only(tmp_path):
    env = make_host(tmp_path, serving={"faults": ["acl_graph_capture"]})
    for extra in ({}, {"HCCL_OP_EXPANSION_MODE": "AIV"}):  # AIV is the tutorial's base environment: not a remedy
        result = fails(["serve", BF16_20B, "-tp", "2"], dict(env, **extra), "EE9999: Inner Error!",
                       "Not allow to synchronize captured-stream, stream_id=20.", "runtime result = 107027",
                       "AclrtSynchronizeStreamWithTimeout(copy_stream), error code is 107027")
        assert "EZ9999" not in result.stderr
        lines = worker_lines(result.stderr)
        assert any("Not allow to synchronize captured-stream" in line for line in lines), result.stderr
    Server([BF16_20B, "-tp", "2", "--enforce-eager"], env).stop()


def test_fault_logs_are_classified_as_the_real_ones(tmp_path):
    """The stand-in's fault texts are the ones the collection's classifier knows from the real engine."""
    for fault, kind in (("rope_operation", "rope_operation"), ("acl_graph_capture", "acl_graph_capture")):
        result = fails(["serve", BF16_20B, "-tp", "2"], make_host(tmp_path / fault, serving={"faults": [fault]}))
        assert classify(result.stdout + result.stderr).kind == kind


def test_unknown_fault_name_is_a_topology_error(tmp_path):
    fails(["serve", BF16_20B, "-tp", "2"], make_host(tmp_path, serving={"faults": ["rope"]}),
          "serving.faults must be from rope_operation, acl_graph_capture", code=2)


# ---------------------------------------------------------------------------------------- serving

def test_health_version_models(server):
    assert server.get("/health") == (200, "")
    assert json.loads(server.get("/version")[1]) == {"version": "0.13.0"}
    models = json.loads(server.get("/v1/models")[1])
    assert [m["id"] for m in models["data"]] == ["gpt-oss-20b"] and models["data"][0]["max_model_len"] == 32768


def test_a_serving_tp2_instance_holds_its_hccl_port(server):
    # The listener stays bound while serving, so a second instance on the same port collides.
    with socket.socket() as probe, pytest.raises(OSError):
        probe.bind(("", int(server.env["HCCL_IF_BASE_PORT"])))


def test_engine_process_name_for_npu_smi(server):
    assert Path("/proc/%d/comm" % server.proc.pid).read_text(encoding="utf-8").strip() == "VLLMEngineCor"


def test_answers_are_useful_and_deterministic(server):
    reply = server.chat("What is the capital of France? Answer in one word.")
    message = reply["choices"][0]["message"]
    assert message["content"] == "Paris" and reply["choices"][0]["finish_reason"] == "stop"
    assert message["reasoning_content"]
    assert server.chat("What is 17 * 23?")["choices"][0]["message"]["content"] == "391"
    assert server.chat("The secret code is 7842. Blah blah. What is the secret code?")[
        "choices"][0]["message"]["content"] == "7842"
    first = server.chat("Tell me about Ascend NPUs.")["choices"][0]["message"]["content"]
    assert first == server.chat("Tell me about Ascend NPUs.")["choices"][0]["message"]["content"]


def test_usage_and_max_tokens(server):
    reply = server.chat("Tell me something long about serving language models on NPUs.", max_tokens=5)
    usage = reply["usage"]
    assert reply["choices"][0]["finish_reason"] == "length"
    assert usage["completion_tokens"] == 5
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] and usage["prompt_tokens"] > 5


def test_streaming_chat(server):
    status, text = server.post("/v1/chat/completions", {
        "model": "gpt-oss-20b", "stream": True, "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "What is the capital of Japan? Answer in one word."}]})
    assert status == 200
    events = [line[len("data: "):] for line in text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert content == "Tokyo"
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0


def test_tool_call_round_trip(server):
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                                                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                       "required": ["city"]}}}]
    question = {"role": "user", "content": "What's the weather like in Paris today?"}
    reply = server.chat([question], tools=tools)
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    call = choice["message"]["tool_calls"][0]
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
    follow_up = [question, {"role": "assistant", "content": None, "tool_calls": [call]},
                 {"role": "tool", "tool_call_id": call["id"], "content": json.dumps({"temperature": 18,
                                                                                     "condition": "sunny"})}]
    final = server.chat(follow_up, tools=tools)["choices"][0]
    assert final["finish_reason"] == "stop"
    assert "get_weather" in final["message"]["content"] and "18" in final["message"]["content"]
    # A question no tool is about is answered directly.
    assert server.chat("What is 2 + 2?", tools=tools)["choices"][0]["message"]["content"] == "4"


def test_completions_endpoint_and_errors(server):
    status, reply = server.post("/v1/completions", {"model": "gpt-oss-20b", "prompt": "What is 6 * 7?"})
    assert status == 200 and reply["object"] == "text_completion" and reply["choices"][0]["text"] == "42"
    status, reply = server.post("/v1/chat/completions", {"model": "nope", "messages": [{"role": "user",
                                                                                       "content": "hi"}]})
    assert status == 404 and reply["error"]["message"] == "The model `nope` does not exist."


def test_metrics_counters_move(server):
    def sample(name):
        text = server.get("/metrics")[1]
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))
    before = {n: sample(n) for n in ("vllm:prompt_tokens_total", "vllm:generation_tokens_total",
                                     "vllm:time_to_first_token_seconds_count", "vllm:request_success_total")}
    server.chat("What is 1 + 1?")
    after = {n: sample(n) for n in before}
    assert all(after[n] > before[n] for n in before), (before, after)
    text = server.get("/metrics")[1]
    assert "# TYPE vllm:time_to_first_token_seconds histogram" in text
    assert 'vllm:num_requests_running{engine="0",model_name="gpt-oss-20b"} 0.0' in text


def test_api_key(tmp_path):
    env = make_host(tmp_path)
    srv = Server([BF16_20B, "-tp", "2", "--api-key", "s3cret"], env)
    try:
        assert srv.get("/v1/models") == (401, '{"error":"Unauthorized"}')
        assert srv.get("/v1/models", headers={"Authorization": "Bearer s3cret"})[0] == 200
        assert srv.get("/health")[0] == 200 and srv.get("/metrics")[0] == 200
    finally:
        srv.stop()
    srv = Server([BF16_20B, "-tp", "2"], dict(env, VLLM_API_KEY="fromenv"))
    try:
        assert srv.get("/v1/models")[0] == 401
        assert srv.get("/v1/models", headers={"Authorization": "Bearer fromenv"})[0] == 200
    finally:
        srv.stop()


def test_auto_tool_choice_needs_the_flags(tmp_path):
    srv = Server([BF16_20B, "-tp", "2"], make_host(tmp_path))
    try:
        status, reply = srv.post("/v1/chat/completions", {"messages": [{"role": "user", "content": "weather?"}],
                                                          "tools": [{"type": "function",
                                                                     "function": {"name": "get_weather"}}]})
        assert status == 400
        assert reply["error"]["message"] == ('"auto" tool choice requires --enable-auto-tool-choice and '
                                             '--tool-call-parser to be set')
    finally:
        srv.stop()


def test_simulated_npu_smi_lists_the_engine(tmp_path):
    """npu-smi on the host finds the stand-in by its process name and its visible devices."""
    env = make_host(tmp_path, devices=8)
    srv = Server([BF16_20B, "-tp", "2"], dict(env, ASCEND_RT_VISIBLE_DEVICES="0,1"))
    try:
        topo = Path(env["NPUOPS_SIM_ROOT"]) / "usr/local/Ascend/driver/lib64/npuops-sim/npu.json"
        topo_for_npu_smi = tmp_path / "npu.json"
        topo_for_npu_smi.write_text(json.dumps({k: v for k, v in json.loads(topo.read_text()).items()
                                                if k != "serving"}))
        out = subprocess.run([sys.executable, str(NPU_SMI), "info"], capture_output=True, text=True, check=True,
                             env=dict(os.environ, NPUOPS_SIM_TOPOLOGY=str(topo_for_npu_smi))).stdout
        rows = [line for line in out.splitlines() if str(srv.proc.pid) in line]
        assert len(rows) >= 2 and all("VLLMEngineCor" in line for line in rows), out
    finally:
        srv.stop()
