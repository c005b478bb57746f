"""Command lines for checking a `vllm serve` parser, made from a dump in sim/vllm/flags/ (not by hand),
and a way to parse them with the stand-in the way vLLM's own main() would.

Shared by tests/unit/sim/test_vllm_flags.py (the stand-in against the dumped data) and
tests/vllm_flags/test_live_parser.py (the stand-in and the dump against a live vLLM).
"""
import contextlib
import functools
import io
import json
import os
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FLAGS = REPO / "sim" / "vllm" / "flags"
STANDIN = REPO / "sim" / "vllm" / "vllm"
VALUE_FREE = ("store_true", "store_false", "store_const", "count", "boolean_optional", "help", "version")


def dumped_versions():
    return sorted(p.name[len("vllm-"):-len(".json")] for p in FLAGS.glob("vllm-*.json"))


@functools.lru_cache(maxsize=None)
def load_dump(version):
    return json.loads((FLAGS / ("vllm-%s.json" % version)).read_text())


def standin():
    loader = SourceFileLoader("vllm_standin", str(STANDIN))
    module = module_from_spec(spec_from_loader("vllm_standin", loader))
    loader.exec_module(module)
    return module


def base_type(spec):
    while spec is not None and spec["name"] in ("_optional_type", "_parse_type"):
        spec = spec["wraps"]
    return spec


def sample_value(action):
    """One value each option's converter accepts."""
    if "." in action["kind"]:
        return "a=b"  # vLLM's own actions: LoRAParserAction takes name=path
    if action["choices"]:
        return str(action["choices"][0])
    spec = base_type(action["type"])
    name = spec["name"] if spec else "str"
    return {"int": "2", "float": "0.5", "human_readable_int": "1k", "human_readable_int_or_auto": "auto",
            "loads": "{}", "union_dict_and_str": "{}", "parse_dataclass": "{}", "<lambda>": "1,2"}.get(name, "x")


def option_cases(data):
    """`vllm serve m <option> [value]` for every option string of the dumped serve parser."""
    cases = []
    for action in data["serve"]["actions"]:
        if action["kind"] == "help":
            continue
        for opt in action["option_strings"]:
            if action["kind"] in VALUE_FREE:
                cases.append(["serve", "m", opt])
            else:
                count = action["nargs"] if isinstance(action["nargs"], int) else 1
                # vLLM moves --model's value to the front, as the positional model: give no other then.
                head = ["serve"] if opt == "--model" else ["serve", "m"]
                cases.append(head + [opt] + [sample_value(action)] * count)
    return cases


_PARSERS = {}


def standin_outcome(module, data, argv):
    """What the stand-in's parser makes of argv: like tests/vllm_flags/live_parse.py's outcome()."""
    err = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        with contextlib.redirect_stderr(err):
            handed = module.rewrite(argv, module.rewrite_rules(data))
            key = (id(module), data["vllm_version"])
            if key not in _PARSERS:
                _PARSERS[key] = module.build_parser(data)
            ns = _PARSERS[key].parse_args(handed)
    except SystemExit as exc:
        return {"exit": exc.code, "stderr": err.getvalue()}
    except ValueError as exc:
        return {"error": "ValueError: %s" % exc}
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    return {"values": vars(ns)}
