#!/usr/bin/python
# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
---
module: openai_probe
short_description: Check OpenAI-compatible vLLM endpoints with real requests, all at once
version_added: 0.1.0
author:
  - npuops contributors (@npuops)
description:
  - Sends real requests to each endpoint in O(endpoints), from the host the task runs on, and returns one
    verdict per endpoint. The endpoints are checked at the same time, one thread each, at most
    O(concurrency) at once; the requests of one endpoint are sent one after the other.
  - "The checks of an endpoint: C(GET /v1/models) answers 200 and lists O(model); a chat completion at temperature
    0 answers O(prompt) with text matching O(expected); the answer carries reasoning in C(reasoning) (vLLM 0.18 on) or
    C(reasoning_content) (also in 0.13 to 0.15) (O(check_reasoning)); a C(get_weather) tool call comes back with a C(city) argument and the tool's
    result is used in the next answer (O(check_tools)); with an O(api_key), C(GET /v1/models) without it is
    refused with 401."
  - An endpoint whose checks all pass is V(verified); otherwise it is V(wrong answers) and
    RV(verdicts[].detail) lists the problems. A request that gets no HTTP answer at all (connection refused or
    reset, timeout) ends the checks of that endpoint only, with a problem naming the request, its URL and the
    reason.
  - The module never fails because of an endpoint's answers; it fails only on invalid options.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - The requests change nothing on the endpoints, so they are sent in check mode too and the verdicts are real.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  endpoints:
    description:
      - The endpoints to check. Each is a dict with either C(port), an endpoint at V(http://<host>:<port>) on
        O(host), or C(url), a base URL such as V(http://10.0.0.5:8000) (without C(/v1)).
      - C(name) names the endpoint in its verdict (the URL when not given) and C(chips), a list, is copied into
        the verdict. Other keys are ignored, so the instances of a M(npuops.gptoss.serving_plan) plan can be
        given as they are.
    type: list
    elements: dict
    required: true
  host:
    description:
      - Address of the endpoints given by C(port).
    type: str
    default: 127.0.0.1
  api_key:
    description:
      - "API key sent as C(Authorization: Bearer <key>) with every request but the one that must be refused."
      - When set, C(GET /v1/models) is also sent without it and must be refused with 401. Empty means no key.
      - Never returned, not even in a problem text.
    type: str
  model:
    description:
      - The served model name (C(--served-model-name)), sent in every request and expected in C(/v1/models).
    type: str
    required: true
  prompt:
    description:
      - The question of the chat completion.
    type: str
    default: What is the capital of France? Answer in one word.
  expected:
    description:
      - Python regular expression searched in the chat answer, case-sensitive unless it says otherwise inline,
        as the default V((?i\)paris) does.
    type: str
    default: (?i)paris
  max_tokens:
    description:
      - C(max_tokens) of every chat completion; it caps the reasoning and the answer together.
    type: int
    default: 64
  check_reasoning:
    description:
      - Require reasoning in the chat answer (the server's C(--reasoning-parser)).
    type: bool
    default: true
  check_tools:
    description:
      - Require the C(get_weather) tool-call round trip (C(--enable-auto-tool-choice --tool-call-parser)).
    type: bool
    default: true
  timeout:
    description:
      - Seconds each request may take.
    type: int
    default: 120
  concurrency:
    description:
      - Endpoints checked at once, at least 1.
    type: int
    default: 16
  validate_certs:
    description:
      - Verify the TLS certificates of V(https) endpoints.
    type: bool
    default: true
notes:
  - Read-only; C(changed) is always V(false).
  - Redirects are not followed, so the API key goes to the given endpoints only; a redirect counts as an answer
    with its status code.
  - "Requests to O(host) go from the managed host itself: an instance listening only on C(127.0.0.1) of that
    host can be checked."
  - Answers are compared as the C(npuops.gptoss.serving_verify) role always did; the role runs this module.
seealso:
  - module: npuops.gptoss.serving_plan
"""

EXAMPLES = r"""
- name: Check every instance of the host's serving plan
  npuops.gptoss.openai_probe:
    endpoints: "{{ vllm_ascend_plan.instances }}"
    model: "{{ vllm_ascend_plan.served_model_name }}"
    api_key: "{{ vllm_ascend_api_key }}"
  register: probe

- name: Every instance is verified
  ansible.builtin.assert:
    that: probe.verdicts | rejectattr('status', 'eq', 'verified') | list | length == 0
    fail_msg: "{{ probe.verdicts | rejectattr('status', 'eq', 'verified') | map(attribute='detail') | list }}"

- name: Check two endpoints by URL, without the reasoning and tool checks
  npuops.gptoss.openai_probe:
    endpoints:
      - {name: east, url: "http://10.0.0.5:8000"}
      - {name: west, url: "http://10.0.0.6:8000"}
    model: gpt-oss-20b
    prompt: What is 17 * 23?
    expected: "^391$"
    check_reasoning: false
    check_tools: false
    timeout: 30
"""

RETURN = r"""
verdicts:
  description: One verdict per endpoint, in the order of O(endpoints).
  returned: always
  type: list
  elements: dict
  contains:
    instance:
      description: The endpoint's C(name), else its URL.
      type: str
      returned: always
      sample: gptoss-20b-0
    port:
      description: The endpoint's port.
      type: int
      returned: always
      sample: 8000
    chips:
      description: The endpoint's C(chips), as given; empty when not given.
      type: list
      elements: raw
      returned: always
      sample: [0, 1]
    status:
      description: V(verified) when every check passed, else V(wrong answers).
      type: str
      returned: always
      sample: verified
    answer:
      description: The chat completion's answer text, stripped; empty when there was none.
      type: str
      returned: always
      sample: Paris
    engine:
      description:
        - Which engine answered, from its C(GET /version) (vLLM's own version string), e.g. V(vLLM 0.32.0); empty when
          the server did not answer that route with a version. Recorded, never judged.
      type: str
      returned: always
      sample: vLLM 0.32.0
    detail:
      description: >-
        The problems, joined with V(; ); empty when verified. For example V(/v1/models does not list gpt-oss-20b),
        V(answer "Lyon" does not match (?i\)paris), V(no reasoning in the answer (reasoning parser\)),
        V(no get_weather tool call with a city argument), V(the tool result did not come back in the answer),
        V(a request without the API key was answered 200), or
        V(/v1/models got no answer from http://127.0.0.1:8003/v1/models: Connection refused).
      type: str
      returned: always
      sample: ""
"""

import functools
import http.client
import json
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError, URLError

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url

from ansible_collections.npuops.gptoss.plugins.module_utils.openai_checks import (
    NO_ANSWER,
    Endpoint,
    ProbeInputError,
    ProbeSettings,
    Reply,
    compile_expected,
    endpoint_from,
    probe_endpoint,
)

USER_AGENT = "npuops.gptoss.openai_probe"


def _json_or_none(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def _reason(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


class OpenAIProbe:
    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.api_key = self.params["api_key"] or ""

    def settings(self) -> ProbeSettings:
        params = self.params
        return ProbeSettings(model=params["model"], prompt=params["prompt"],
                             expected=compile_expected(params["expected"]), max_tokens=params["max_tokens"],
                             check_reasoning=params["check_reasoning"], check_tools=params["check_tools"],
                             with_key=bool(self.api_key))

    def send(self, endpoint: Endpoint, path: str, body: dict | None, with_key: bool) -> Reply:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if with_key:
            headers["Authorization"] = "Bearer " + self.api_key
        data = json.dumps(body).encode("utf-8") if body is not None else None
        try:
            response = open_url(endpoint.url + path, data=data, headers=headers, method="POST" if data else "GET",
                                timeout=self.params["timeout"], validate_certs=self.params["validate_certs"],
                                http_agent=USER_AGENT, follow_redirects="none")
            with response:
                return Reply(response.status, _json_or_none(response.read()))
        except HTTPError as exc:
            try:
                raw = exc.read()
            except (OSError, http.client.HTTPException):
                raw = b""
            return Reply(exc.code, _json_or_none(raw))
        except (URLError, OSError, http.client.HTTPException, ValueError) as exc:
            return Reply(NO_ANSWER, None, _reason(exc))

    def endpoints(self) -> list[Endpoint]:
        return [endpoint_from(item, self.params["host"], index) for index, item in enumerate(self.params["endpoints"])]

    def check(self, endpoint: Endpoint, settings: ProbeSettings) -> dict:
        return probe_endpoint(endpoint, settings, functools.partial(self.send, endpoint)).as_dict()

    def probe(self) -> list[dict]:
        if self.params["concurrency"] < 1:
            self.module.fail_json(msg="concurrency must be at least 1, got %d" % self.params["concurrency"])
        try:
            settings, endpoints = self.settings(), self.endpoints()
        except ProbeInputError as exc:
            self.module.fail_json(msg=str(exc))
            raise  # not reached: fail_json exits
        if not endpoints:
            return []
        with ThreadPoolExecutor(max_workers=min(self.params["concurrency"], len(endpoints))) as pool:
            return list(pool.map(lambda endpoint: self.check(endpoint, settings), endpoints))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            endpoints=dict(type="list", elements="dict", required=True),
            host=dict(type="str", default="127.0.0.1"),
            api_key=dict(type="str", no_log=True),
            model=dict(type="str", required=True),
            prompt=dict(type="str", default="What is the capital of France? Answer in one word."),
            expected=dict(type="str", default="(?i)paris"),
            max_tokens=dict(type="int", default=64, no_log=False),  # a token count, not a secret
            check_reasoning=dict(type="bool", default=True),
            check_tools=dict(type="bool", default=True),
            timeout=dict(type="int", default=120),
            concurrency=dict(type="int", default=16),
            validate_certs=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    module.exit_json(changed=False, verdicts=OpenAIProbe(module).probe())


if __name__ == "__main__":
    main()
