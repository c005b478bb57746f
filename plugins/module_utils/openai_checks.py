# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks that make an OpenAI-compatible vLLM endpoint count as served, and their verdict.

One endpoint is checked by a short conversation: ``GET /v1/models`` lists the served model; a chat completion at
temperature 0 answers the prompt with text matching the expected regular expression, with reasoning when the
reasoning parser is on; a ``get_weather`` tool call comes back with a ``city`` argument and the tool's result
(21 degrees) is used in the next answer; ``GET /v1/models`` without the API key is refused with 401. ``GET /version``
tells which engine answered (vLLM's own version string, as the running server reports it); it is recorded, not judged.

Everything here is pure: the requests go through a ``send(path, body, with_key)`` callable the caller supplies,
so the verdict logic runs the same against a real server and in tests. The problem texts are the ones the
serving_verify role has always recorded. The API key never reaches this module: ``send`` adds it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

MODELS_PATH = "/v1/models"
# vLLM's api_server answers {"version": <vllm.__version__>} here, outside /v1, so without the API key too.
VERSION_PATH = "/version"
CHAT_PATH = "/v1/chat/completions"

TOOL_NAME = "get_weather"
TOOL_ARGUMENT = "city"
TOOL_MESSAGES: tuple[dict, ...] = (
    {"role": "user", "content": "What is the weather in Paris right now? Use the get_weather tool."},
)
TOOLS: tuple[dict, ...] = (
    {"type": "function",
     "function": {"name": TOOL_NAME, "description": "Current weather in a city",
                  "parameters": {"type": "object",
                                 "properties": {TOOL_ARGUMENT: {"type": "string", "description": "City name"}},
                                 "required": [TOOL_ARGUMENT]}}},
)
# The tool's result; the final answer must quote its temperature.
WEATHER_RESULT = '{"temperature_c": 21, "condition": "sunny"}'
WEATHER_MARK = "21"
DEFAULT_CALL_ID = "call_0"

VERIFIED = "verified"
WRONG_ANSWERS = "wrong answers"
NO_ANSWER = -1  # Reply.status when no HTTP answer came back (refused, reset, timed out)

# What each request is called in the problem texts.
MODELS_REQUEST = "/v1/models"
VERSION_REQUEST = "/version"
CHAT_REQUEST = "chat completion"
TOOL_CALL_REQUEST = "tool call request"
TOOL_RESULT_REQUEST = "tool result request"
NO_KEY_REQUEST = "request without the API key"


class ProbeInputError(ValueError):
    """An option the checks cannot run with; the message names it."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str  # base URL, no trailing slash
    port: int | None
    chips: tuple = ()


@dataclass(frozen=True)
class ProbeSettings:
    model: str
    prompt: str
    expected: re.Pattern
    max_tokens: int
    check_reasoning: bool = True
    check_tools: bool = True
    # Whether the requests carry an API key; the key itself stays with the caller's send().
    with_key: bool = False


@dataclass(frozen=True)
class Reply:
    status: int  # HTTP status, or NO_ANSWER
    body: Any = None  # the parsed JSON body, None when it was not JSON
    error: str = ""  # why there was no answer


@dataclass(frozen=True)
class Verdict:
    instance: str
    port: int | None
    chips: tuple
    answer: str
    problems: tuple = field(default=())
    # What GET /version reported, e.g. "vLLM 0.32.0"; empty when the server did not say.
    engine: str = ""

    @property
    def status(self) -> str:
        return WRONG_ANSWERS if self.problems else VERIFIED

    def as_dict(self) -> dict:
        return {"instance": self.instance, "port": self.port, "chips": list(self.chips), "answer": self.answer,
                "status": self.status, "detail": "; ".join(self.problems), "engine": self.engine}


Send = Callable[[str, "dict | None", bool], Reply]


# ------------------------------------------------------------------------------------------------ inputs

def compile_expected(pattern: str) -> re.Pattern:
    """The expected-answer regular expression, searched as Ansible's ``search`` test does (flags inline)."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ProbeInputError("expected=%r is not a valid regular expression: %s" % (pattern, exc)) from None


def _host_in_url(host: str) -> str:
    return "[%s]" % host if ":" in host and not host.startswith("[") else host


def endpoint_from(item: Any, host: str, index: int = 0) -> Endpoint:
    """An endpoint from a dict with ``port`` (on ``host``) or ``url``; ``name`` and ``chips`` are optional and
    other keys are ignored, so the instances of a serving plan can be given as they are."""
    where = "endpoints[%d]" % index
    if not isinstance(item, dict):
        raise ProbeInputError("%s must be a dict with a port or a url, got %r" % (where, item))
    chips = item.get("chips") or ()
    if not isinstance(chips, (list, tuple)):
        raise ProbeInputError("%s.chips must be a list, got %r" % (where, chips))
    url = item.get("url")
    if url:
        if not isinstance(url, str):
            raise ProbeInputError("%s.url must be a string, got %r" % (where, url))
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProbeInputError("%s.url must be an http(s) base URL such as http://127.0.0.1:8000, got %r"
                                  % (where, url))
        port = port or (443 if parts.scheme == "https" else 80)
        url = url.rstrip("/")
    else:
        port = item.get("port")
        if isinstance(port, str) and port.isdigit():
            port = int(port)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ProbeInputError("%s needs a port (1 to 65535) or a url, got port=%r" % (where, port))
        url = "http://%s:%d" % (_host_in_url(host), port)
    name = item.get("name")
    return Endpoint(name=str(name) if name not in (None, "") else url, url=url, port=port, chips=tuple(chips))


# ---------------------------------------------------------------------------------------- request bodies

def chat_body(settings: ProbeSettings) -> dict:
    return {"model": settings.model, "messages": [{"role": "user", "content": settings.prompt}],
            "temperature": 0, "top_p": 1, "max_tokens": settings.max_tokens}


def tool_call_body(settings: ProbeSettings) -> dict:
    return {"model": settings.model, "messages": [dict(m) for m in TOOL_MESSAGES], "tools": list(TOOLS),
            "tool_choice": "auto", "temperature": 0, "max_tokens": settings.max_tokens}


def tool_result_body(settings: ProbeSettings, call_message: dict) -> dict:
    """The conversation continued with the assistant's tool call, as returned, and the tool's result."""
    calls = call_message.get("tool_calls") or [{}]
    call_id = calls[0].get("id") or DEFAULT_CALL_ID
    messages = [dict(m) for m in TOOL_MESSAGES] + [
        call_message, {"role": "tool", "tool_call_id": call_id, "content": WEATHER_RESULT}]
    return {"model": settings.model, "messages": messages, "tools": list(TOOLS), "temperature": 0,
            "max_tokens": settings.max_tokens}


# ----------------------------------------------------------------------------------------- reading replies

def first_message(reply: Reply | None) -> dict:
    """choices[0].message of a chat completion reply, or {} when there is none."""
    body = reply.body if reply is not None and isinstance(reply.body, dict) else {}
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return {}
    message = choices[0].get("message")
    return message if isinstance(message, dict) else {}


def answer_text(reply: Reply | None) -> str:
    content = first_message(reply).get("content")
    return content.strip() if isinstance(content, str) else ""


def served_models(reply: Reply) -> list[str]:
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    return [m.get("id") for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def tool_calls(reply: Reply | None) -> list:
    calls = first_message(reply).get("tool_calls")
    return calls if isinstance(calls, list) else []


def is_weather_call(calls: list) -> bool:
    """The first call is get_weather with a city in its arguments (a JSON object, as a string or not)."""
    if not calls or not isinstance(calls[0], dict):
        return False
    function = calls[0].get("function")
    if not isinstance(function, dict) or function.get("name") != TOOL_NAME:
        return False
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return False
    return isinstance(arguments, dict) and TOOL_ARGUMENT in arguments


# ---------------------------------------------------------------------------------------------- problems

def engine_of(reply: Reply | None) -> str:
    """``vLLM <version>`` from a ``GET /version`` answer; empty for anything else (no such route, not JSON)."""
    if reply is None or reply.status != 200 or not isinstance(reply.body, dict):
        return ""
    version = reply.body.get("version")
    return "vLLM %s" % version if isinstance(version, str) and version.strip() else ""


def models_problems(reply: Reply, model: str) -> list[str]:
    if reply.status != 200:
        return ["/v1/models answered %s" % reply.status]
    if model not in served_models(reply):
        return ["/v1/models does not list %s" % model]
    return []


def chat_problems(reply: Reply, settings: ProbeSettings) -> list[str]:
    if reply.status != 200:
        return ["chat completion answered %s" % reply.status]
    problems = []
    answer = answer_text(reply)
    if not settings.expected.search(answer):
        problems.append("answer %s does not match %s" % (json.dumps(answer), settings.expected.pattern))
    if settings.check_reasoning:
        message = first_message(reply)
        # vLLM puts the reasoning in message.reasoning; 0.13 to 0.15 also copy it into the deprecated
        # reasoning_content, which 0.18 on no longer have (ChatMessage in vllm/entrypoints/openai/
        # chat_completion/protocol.py; sim/vllm/flags/vllm-<version>.json "responses").
        if not (message.get("reasoning") or message.get("reasoning_content")):
            problems.append("no reasoning in the answer (reasoning parser)")
    return problems


def tool_problems(call_reply: Reply, result_reply: Reply | None) -> list[str]:
    """``result_reply`` is the answer to the tool result, None when no valid call was there to answer."""
    if not is_weather_call(tool_calls(call_reply)):
        return ["no get_weather tool call with a city argument"]
    content = first_message(result_reply).get("content")
    if result_reply is None or result_reply.status != 200 or WEATHER_MARK not in (content or ""):
        return ["the tool result did not come back in the answer"]
    return []


def no_key_problems(reply: Reply) -> list[str]:
    return [] if reply.status == 401 else ["a request without the API key was answered %s" % reply.status]


def no_answer_problem(request: str, url: str, error: str) -> str:
    return "%s got no answer from %s: %s" % (request, url, error or "no reason given")


# ------------------------------------------------------------------------------------------------ a probe

class _NoAnswer(Exception):
    pass


def probe_endpoint(endpoint: Endpoint, settings: ProbeSettings, send: Send) -> Verdict:
    """Run the checks on one endpoint in order and return its verdict.

    A request that gets no HTTP answer at all (refused, reset, timed out) ends the endpoint's checks: its problem
    is the last one, and the requests after it are not sent.
    """
    problems: list[str] = []
    answer = ""
    engine = ""

    def ask(request: str, path: str, body: dict | None = None, with_key: bool = True) -> Reply:
        reply = send(path, body, with_key and settings.with_key)
        if reply.status == NO_ANSWER:
            raise _NoAnswer(no_answer_problem(request, endpoint.url + path, reply.error))
        return reply

    try:
        problems += models_problems(ask(MODELS_REQUEST, MODELS_PATH), settings.model)
        engine = engine_of(ask(VERSION_REQUEST, VERSION_PATH))
        chat = ask(CHAT_REQUEST, CHAT_PATH, chat_body(settings))
        answer = answer_text(chat)
        problems += chat_problems(chat, settings)
        if settings.check_tools:
            call = ask(TOOL_CALL_REQUEST, CHAT_PATH, tool_call_body(settings))
            result = None
            if is_weather_call(tool_calls(call)):
                result = ask(TOOL_RESULT_REQUEST, CHAT_PATH, tool_result_body(settings, first_message(call)))
            problems += tool_problems(call, result)
        if settings.with_key:
            problems += no_key_problems(ask(NO_KEY_REQUEST, MODELS_PATH, with_key=False))
    except _NoAnswer as exc:
        problems.append(str(exc))
    return Verdict(instance=endpoint.name, port=endpoint.port, chips=endpoint.chips, answer=answer,
                   problems=tuple(problems), engine=engine)
