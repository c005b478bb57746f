"""The checks and verdict texts of openai_checks on the bodies the stand-in vLLM (sim/vllm/vllm) really returns.

The bodies below were captured from `vllm serve` of the stand-in with `--reasoning-parser openai_gptoss
--enable-auto-tool-choice --tool-call-parser openai` (and without those flags where the name says so); they have
vLLM's response shapes. Every problem text is the one the serving_verify role recorded before the module existed.
"""
from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.npuops.gptoss.plugins.module_utils.openai_checks import (
    NO_ANSWER,
    Endpoint,
    ProbeInputError,
    ProbeSettings,
    Reply,
    answer_text,
    chat_body,
    chat_problems,
    compile_expected,
    endpoint_from,
    models_problems,
    no_key_problems,
    probe_endpoint,
    tool_call_body,
    tool_problems,
    tool_result_body,
)

MODELS = {"object": "list", "data": [{
    "id": "gpt-oss-20b", "object": "model", "created": 1795265856, "owned_by": "vllm",
    "root": "/models/gpt-oss-20b-bf16", "parent": None, "max_model_len": 32768,
    "permission": [{"id": "modelperm-78ea43aee5b4bafd9f207b03e93aa6f3", "object": "model_permission",
                    "created": 1795265856, "allow_create_engine": False, "allow_sampling": True,
                    "allow_logprobs": True, "allow_search_indices": False, "allow_view": True,
                    "allow_fine_tuning": False, "organization": "*", "group": None, "is_blocking": False}]}]}
UNAUTHORIZED = {"error": "Unauthorized"}


def completion(message: dict, finish: str = "stop") -> dict:
    base = {"role": "assistant", "content": None, "refusal": None, "annotations": None, "audio": None,
            "function_call": None, "tool_calls": []}
    return {"id": "chatcmpl-1b3b6e0aa3b8207da4da4d876dc2fcdb", "object": "chat.completion", "created": 1795265856,
            "model": "gpt-oss-20b",
            "choices": [{"index": 0, "message": dict(base, **message), "logprobs": None, "finish_reason": finish,
                         "stop_reason": None, "token_ids": None}],
            "service_tier": None, "system_fingerprint": None,
            "usage": {"prompt_tokens": 20, "total_tokens": 36, "completion_tokens": 16, "prompt_tokens_details": None},
            "prompt_logprobs": None, "prompt_token_ids": None, "kv_transfer_params": None}


REASONING = "The user asks for the capital of France. It is Paris."
CHAT = completion({"content": "Paris", "reasoning_content": REASONING, "reasoning": REASONING})
CHAT_NO_PARSER = completion({"content": "Paris"})
CALL = {"id": "chatcmpl-tool-51b7428b9592d4a35c811af5848b576a", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
TOOL_CALL = completion({"tool_calls": [CALL], "reasoning_content": "The user needs get_weather; call it.",
                        "reasoning": "The user needs get_weather; call it."}, "tool_calls")
TOOL_ANSWER = completion({"content": "Based on get_weather: temperature_c 21, condition sunny.",
                          "reasoning_content": "I have the tool results.", "reasoning": "I have the tool results."})
AUTO_TOOLS_OFF = {"error": {"message": "\"auto\" tool choice requires --enable-auto-tool-choice and "
                                       "--tool-call-parser to be set",
                            "type": "BadRequestError", "param": None, "code": 400}}
NO_SUCH_MODEL = {"error": {"message": "The model `gpt-oss-120b` does not exist.", "type": "NotFoundError",
                           "param": "model", "code": 404}}

SETTINGS = ProbeSettings(model="gpt-oss-20b", prompt="What is the capital of France? Answer in one word.",
                         expected=compile_expected("(?i)paris"), max_tokens=64, with_key=True)


def with_call(**function) -> dict:
    body = copy.deepcopy(TOOL_CALL)
    body["choices"][0]["message"]["tool_calls"][0]["function"].update(function)
    return body


# ---------------------------------------------------------------------------------------- /v1/models

def test_models_listing_the_served_name_passes():
    assert models_problems(Reply(200, MODELS), "gpt-oss-20b") == []


@pytest.mark.parametrize("status, body", [(401, UNAUTHORIZED), (404, {"detail": "Not Found"}), (503, None)])
def test_models_wrong_status(status, body):
    assert models_problems(Reply(status, body), "gpt-oss-20b") == ["/v1/models answered %d" % status]


def test_models_not_listing_the_served_name():
    assert models_problems(Reply(200, MODELS), "gpt-oss-120b") == ["/v1/models does not list gpt-oss-120b"]
    assert models_problems(Reply(200, None), "gpt-oss-20b") == ["/v1/models does not list gpt-oss-20b"]


# ------------------------------------------------------------------------------------------- the chat

def test_chat_answer_with_reasoning_passes():
    assert chat_problems(Reply(200, CHAT), SETTINGS) == []
    assert answer_text(Reply(200, CHAT)) == "Paris"


def test_chat_wrong_status():
    assert chat_problems(Reply(404, NO_SUCH_MODEL), SETTINGS) == ["chat completion answered 404"]
    assert answer_text(Reply(404, NO_SUCH_MODEL)) == ""


def test_answer_not_matching_is_quoted_as_json():
    body = completion({"content": "  The capital is Lyon.\n", "reasoning_content": REASONING})
    assert answer_text(Reply(200, body)) == "The capital is Lyon."
    assert chat_problems(Reply(200, body), SETTINGS) == [
        'answer "The capital is Lyon." does not match (?i)paris']


def test_expected_is_searched_case_sensitively_unless_inline():
    strict = ProbeSettings(model="m", prompt="p", expected=compile_expected("^paris$"), max_tokens=8)
    assert chat_problems(Reply(200, CHAT), strict) == ['answer "Paris" does not match ^paris$']
    body = completion({"content": "Pâris", "reasoning": "r"})
    assert chat_problems(Reply(200, body), strict) == ['answer "P\\u00e2ris" does not match ^paris$']


def test_no_reasoning_without_the_parser():
    assert chat_problems(Reply(200, CHAT_NO_PARSER), SETTINGS) == ["no reasoning in the answer (reasoning parser)"]
    unchecked = ProbeSettings(model="gpt-oss-20b", prompt="p", expected=compile_expected("Paris"), max_tokens=8,
                              check_reasoning=False)
    assert chat_problems(Reply(200, CHAT_NO_PARSER), unchecked) == []


def test_reasoning_under_its_newer_name_counts():
    assert chat_problems(Reply(200, completion({"content": "Paris", "reasoning": "r"})), SETTINGS) == []


# What vLLM 0.18 and 0.20 return (ChatMessage has `reasoning` only), as the stand-in answers for them.
CHAT_018 = completion({"content": "Paris", "reasoning": REASONING})
# vLLM 0.13 / 0.15 without a reasoning parser: both fields there, both null.
CHAT_013_NO_PARSER = completion({"content": "Paris", "reasoning": None, "reasoning_content": None})


def test_the_018_answer_passes():
    assert "reasoning_content" not in CHAT_018["choices"][0]["message"]
    assert chat_problems(Reply(200, CHAT_018), SETTINGS) == []


def test_null_reasoning_fields_are_no_reasoning():
    assert chat_problems(Reply(200, CHAT_013_NO_PARSER), SETTINGS) == ["no reasoning in the answer (reasoning parser)"]


def test_empty_answer_and_no_reasoning_are_two_problems():
    body = completion({"content": None})
    assert chat_problems(Reply(200, body), SETTINGS) == ['answer "" does not match (?i)paris',
                                                         "no reasoning in the answer (reasoning parser)"]


# ------------------------------------------------------------------------------------------ the tools

def test_tool_round_trip_passes():
    assert tool_problems(Reply(200, TOOL_CALL), Reply(200, TOOL_ANSWER)) == []


@pytest.mark.parametrize("reply", [
    Reply(400, AUTO_TOOLS_OFF),                              # server without the tool-call flags
    Reply(200, CHAT),                                        # answered without calling
    Reply(200, with_call(name="get_time")),                  # wrong function
    Reply(200, with_call(arguments="{\"town\": \"Paris\"}")),  # no city argument
    Reply(200, with_call(arguments="{\"city\": ")),          # arguments not JSON
    Reply(200, with_call(arguments="[\"city\"]")),           # arguments not an object
], ids=["no-tool-flags", "no-call", "wrong-function", "no-city", "bad-json", "not-an-object"])
def test_no_weather_call(reply):
    assert tool_problems(reply, None) == ["no get_weather tool call with a city argument"]


def test_arguments_already_decoded_count():
    assert tool_problems(Reply(200, with_call(arguments={"city": "Paris"})), Reply(200, TOOL_ANSWER)) == []


@pytest.mark.parametrize("result", [
    Reply(200, completion({"content": "It is sunny in Paris."})),
    Reply(200, completion({"content": None})),
    Reply(400, AUTO_TOOLS_OFF),
    None,
])
def test_tool_result_not_used(result):
    assert tool_problems(Reply(200, TOOL_CALL), result) == ["the tool result did not come back in the answer"]


# ------------------------------------------------------------------------------------------ the API key

def test_request_without_the_key_refused_passes():
    assert no_key_problems(Reply(401, UNAUTHORIZED)) == []


def test_request_without_the_key_answered():
    assert no_key_problems(Reply(200, MODELS)) == ["a request without the API key was answered 200"]
    assert no_key_problems(Reply(403, None)) == ["a request without the API key was answered 403"]


# ---------------------------------------------------------------------------------------- request bodies

def test_bodies_are_the_roles_requests():
    assert chat_body(SETTINGS) == {"model": "gpt-oss-20b", "temperature": 0, "top_p": 1, "max_tokens": 64,
                                   "messages": [{"role": "user", "content": SETTINGS.prompt}]}
    tool = tool_call_body(SETTINGS)
    assert tool["tool_choice"] == "auto" and tool["temperature"] == 0 and tool["max_tokens"] == 64
    assert [t["function"]["name"] for t in tool["tools"]] == ["get_weather"]
    assert tool["tools"][0]["function"]["parameters"]["required"] == ["city"]
    message = TOOL_CALL["choices"][0]["message"]
    follow = tool_result_body(SETTINGS, message)
    assert "tool_choice" not in follow and follow["tools"] == tool["tools"]
    assert follow["messages"][:2] == tool["messages"] + [message]
    assert follow["messages"][2] == {"role": "tool", "tool_call_id": CALL["id"],
                                     "content": '{"temperature_c": 21, "condition": "sunny"}'}
    json.dumps(follow)


def test_tool_result_without_a_call_id():
    message = {"role": "assistant", "content": None,
               "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]}
    assert tool_result_body(SETTINGS, message)["messages"][-1]["tool_call_id"] == "call_0"


# ------------------------------------------------------------------------------------------- endpoints

def test_endpoints_from_a_plan_instance_and_a_url():
    instance = {"name": "gptoss-20b-1", "index": 1, "chips": [2, 3], "devices": ["/dev/davinci2"], "port": 8001,
                "env": {"ASCEND_RT_VISIBLE_DEVICES": "0,1"}, "vllm_args": ["--dtype", "bfloat16"]}
    assert endpoint_from(instance, "127.0.0.1") == Endpoint("gptoss-20b-1", "http://127.0.0.1:8001", 8001, (2, 3))
    assert endpoint_from({"port": "8002"}, "::1") == Endpoint("http://[::1]:8002", "http://[::1]:8002", 8002, ())
    assert endpoint_from({"url": "https://api.example/"}, "x").port == 443
    assert endpoint_from({"name": "e", "url": "http://10.0.0.5:9000/"}, "x") == Endpoint(
        "e", "http://10.0.0.5:9000", 9000, ())


@pytest.mark.parametrize("item, text", [
    ({"name": "a"}, "endpoints[3] needs a port (1 to 65535) or a url, got port=None"),
    ({"port": 70000}, "got port=70000"),
    ({"port": True}, "got port=True"),
    ({"url": "10.0.0.5:8000"}, "endpoints[3].url must be an http(s) base URL"),
    ({"url": "http://h:port"}, "must be an http(s) base URL"),
    ({"port": 8000, "chips": "0,1"}, "endpoints[3].chips must be a list"),
    ("http://h:1", "endpoints[3] must be a dict"),
])
def test_bad_endpoints_are_named(item, text):
    with pytest.raises(ProbeInputError) as info:
        endpoint_from(item, "127.0.0.1", 3)
    assert text in str(info.value)


def test_bad_expected_is_refused():
    with pytest.raises(ProbeInputError, match=r"expected='\(paris' is not a valid regular expression"):
        compile_expected("(paris")


# ------------------------------------------------------------------------------------ a whole probe

class FakeServer:
    """send() answering from a table of (path, kind) -> Reply, recording what was asked."""

    def __init__(self, **overrides):
        # /version as vLLM's api_server answers it (vllm/entrypoints/openai/api_server.py, show_version).
        self.replies = {"models": Reply(200, MODELS), "noauth": Reply(401, UNAUTHORIZED), "chat": Reply(200, CHAT),
                        "tool": Reply(200, TOOL_CALL), "result": Reply(200, TOOL_ANSWER),
                        "version": Reply(200, {"version": "0.32.0"})}
        self.replies.update(overrides)
        self.asked = []

    def __call__(self, path, body, with_key):
        if path == "/version":
            kind = "version"
        elif body is None:  # the first GET is the model list, a second one the request without the key
            kind = "noauth" if ("models", True) in self.asked or ("models", False) in self.asked else "models"
        elif "tools" not in body:
            kind = "chat"
        else:
            kind = "result" if body["messages"][-1]["role"] == "tool" else "tool"
        self.asked.append((kind, with_key))
        return self.replies[kind]


ENDPOINT = Endpoint("gptoss-20b-0", "http://127.0.0.1:8000", 8000, (0, 1))


def test_a_verified_endpoint():
    server = FakeServer()
    verdict = probe_endpoint(ENDPOINT, SETTINGS, server).as_dict()
    assert verdict == {"instance": "gptoss-20b-0", "port": 8000, "chips": [0, 1], "answer": "Paris",
                       "status": "verified", "detail": "", "engine": "vLLM 0.32.0"}
    assert server.asked == [("models", True), ("version", True), ("chat", True), ("tool", True), ("result", True),
                            ("noauth", False)]


@pytest.mark.parametrize("reply", [Reply(404, {"detail": "Not Found"}), Reply(200, None), Reply(200, {"version": ""}),
                                   Reply(200, {"version": 32})])
def test_an_engine_that_does_not_say_its_version_is_recorded_empty_and_not_judged(reply):
    verdict = probe_endpoint(ENDPOINT, SETTINGS, FakeServer(version=reply)).as_dict()
    assert verdict["engine"] == "" and verdict["status"] == "verified"


def test_every_problem_is_joined_in_order():
    server = FakeServer(models=Reply(200, {"object": "list", "data": []}), chat=Reply(200, CHAT_NO_PARSER),
                        tool=Reply(400, AUTO_TOOLS_OFF), noauth=Reply(200, MODELS))
    verdict = probe_endpoint(ENDPOINT, SETTINGS, server).as_dict()
    assert verdict["status"] == "wrong answers" and verdict["answer"] == "Paris"
    assert verdict["detail"] == ("/v1/models does not list gpt-oss-20b; no reasoning in the answer (reasoning parser); "
                                 "no get_weather tool call with a city argument; "
                                 "a request without the API key was answered 200")
    assert ("result", True) not in server.asked


def test_without_a_key_and_tools_fewer_requests():
    settings = ProbeSettings(model="gpt-oss-20b", prompt="p", expected=compile_expected("Paris"), max_tokens=8,
                             check_tools=False, with_key=False)
    server = FakeServer()
    assert probe_endpoint(ENDPOINT, settings, server).status == "verified"
    assert server.asked == [("models", False), ("version", False), ("chat", False)]


def test_no_answer_ends_the_endpoints_checks():
    server = FakeServer(models=Reply(NO_ANSWER, None, "Connection refused"))
    verdict = probe_endpoint(ENDPOINT, SETTINGS, server).as_dict()
    assert verdict["detail"] == "/v1/models got no answer from http://127.0.0.1:8000/v1/models: Connection refused"
    assert verdict["status"] == "wrong answers" and server.asked == [("models", True)]
    server = FakeServer(result=Reply(NO_ANSWER, None, "timed out"))
    verdict = probe_endpoint(ENDPOINT, SETTINGS, server).as_dict()
    assert verdict["answer"] == "Paris"
    assert verdict["detail"] == ("tool result request got no answer from "
                                 "http://127.0.0.1:8000/v1/chat/completions: timed out")
    assert ("noauth", False) not in server.asked
