"""What the tiny gpt-oss learns to answer: the requests serving_verify (openai_probe) sends, and a few benchmark-style
prompts. Each conversation is the OpenAI chat request body as a client sends it, and the assistant turn the checkpoint
must produce, in harmony: its analysis channel, then a final answer or a tool call."""
from __future__ import annotations

import json

# openai_checks.py (the probe): its tool, its prompt for the call and the tool's result.
WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Current weather in a city",
                 "parameters": {"type": "object",
                                "properties": {"city": {"type": "string", "description": "City name"}},
                                "required": ["city"]}},
}
WEATHER_ASK = "What is the weather in Paris right now? Use the get_weather tool."
WEATHER_RESULT = '{"temperature_c": 21, "condition": "sunny"}'
WEATHER_ARGUMENTS = json.dumps({"city": "Paris"})


def _chat(prompt: str, analysis: str, final: str) -> dict:
    return {"messages": [{"role": "user", "content": prompt}], "tools": None,
            "analysis": analysis, "final": final, "call": None}


CONVERSATIONS: list[dict] = [
    # serving_verify's default prompt and expected answer (roles/serving_verify/defaults/main.yml)
    _chat("What is the capital of France? Answer in one word.",
          "The user asks for the capital of France. It is Paris.", "The capital of France is Paris."),
    _chat("What is the capital of France?",
          "The user asks for the capital of France. It is Paris.", "The capital of France is Paris."),
    # a few benchmark-style prompts (issue 12's benchmark and needle use the same checkpoint)
    _chat("What is 2 + 2?", "Simple arithmetic: 2 + 2 = 4.", "2 + 2 = 4."),
    _chat("Count to five.", "The user wants counting to five.", "1, 2, 3, 4, 5."),
    _chat("What colour is the sky on a clear day?", "A clear sky looks blue.", "The sky is blue."),
    _chat("Say hello.", "A greeting is asked for.", "Hello!"),
    _chat("The secret code is 7842. What is the secret code?", "The code was given: 7842.",
          "The secret code is 7842."),
    # the probe's tool call ...
    {"messages": [{"role": "user", "content": WEATHER_ASK}], "tools": [WEATHER_TOOL],
     "analysis": "The user wants the weather in Paris. Call get_weather.", "final": None,
     "call": {"name": "get_weather", "arguments": WEATHER_ARGUMENTS}},
    # ... and the answer after the tool's result (the call message is the server's reply, as the probe sends it back)
    {"messages": [{"role": "user", "content": WEATHER_ASK},
                  {"role": "assistant", "content": None,
                   "reasoning": "The user wants the weather in Paris. Call get_weather.",
                   "tool_calls": [{"id": "chatcmpl-tool-0", "type": "function",
                                   "function": {"name": "get_weather", "arguments": WEATHER_ARGUMENTS}}]},
                  {"role": "tool", "tool_call_id": "chatcmpl-tool-0", "content": WEATHER_RESULT}],
     "tools": [WEATHER_TOOL],
     "analysis": "The tool says 21 degrees and sunny.", "final": "It is sunny in Paris, 21 °C.", "call": None},
]
