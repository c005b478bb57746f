"""Build vLLM's own `vllm` command-line parser and print it as JSON (run by dump_flags.py).

Runs inside a Python environment that has vLLM's dependencies (torch, transformers, pydantic, ...).
With --source DIR the vLLM package is imported from DIR (an extracted wheel of another version) and
the compiled extension modules that wheel ships (vllm/_C.abi3.so and the like, built for another
torch) are replaced by empty modules: building the parser never calls a kernel. Without --source the
installed vLLM is used as it is: that is the live parser the dump method is checked against.

The parser is the one `vllm` itself builds: vllm.entrypoints.cli.main.main() runs up to its
`parser.parse_args()`, where we stop it and take the parser. FlexibleArgumentParser's rewriting of the
command line (underscores, dotted JSON arguments, -O) is code, not data: it is recorded by running the
real parse_args on probe command lines and keeping the argument list it hands to argparse.
"""
import argparse
import importlib.abc
import importlib.machinery
import io
import json
import os
import sys
import types

KINDS = {
    "_StoreAction": "store", "_StoreTrueAction": "store_true", "_StoreFalseAction": "store_false",
    "_StoreConstAction": "store_const", "_AppendAction": "append", "_AppendConstAction": "append_const",
    "_ExtendAction": "extend", "_CountAction": "count", "_HelpAction": "help", "_VersionAction": "version",
    "BooleanOptionalAction": "boolean_optional", "_SubParsersAction": "parsers",
}

# Command lines whose rewriting by FlexibleArgumentParser.parse_args is recorded. Each one probes one rule:
# underscores become dashes up to the first '.', dotted keys become one JSON argument, `+` appends to a
# list, -O<n> / -O <n> become --optimization-level, --model moves to the front, a missing positional
# model with --served-model-name is refused (from 0.18), human-readable numbers in dotted values (0.20).
PROBES = [
    ["serve", "m", "--max_model_len", "4096", "--max_num_seqs=8"],
    ["serve", "m", "--compilation_config.cudagraph_mode=FULL_DECODE_ONLY"],
    ["serve", "m", "--compilation-config.cudagraph_mode", "FULL_DECODE_ONLY", "--compilation-config.level=3"],
    ["serve", "m", "-cc.cudagraph_mode=PIECEWISE"],
    ["serve", "m", "--compilation-config.cudagraph_capture_sizes+", "1,2", "--compilation-config.cudagraph_capture_sizes+=4"],
    ["serve", "m", "--compilation-config.max_cudagraph_capture_size=1k"],
    ["serve", "m", "--hf-overrides.rope_scaling.factor", "32"],
    ["serve", "m", "--speculative_config.model=a_b.c", "--additional-config={\"x_y\": 1}"],
    ["serve", "m", "-O3"], ["serve", "m", "-O", "2"], ["serve", "m", "-O=1"], ["serve", "m", "-Odecode"],
    ["serve", "m", "-O", "{\"mode\": 3}"],
    ["serve", "--model", "m", "-tp", "2"], ["serve", "-tp", "2", "--model=m"],
    ["serve", "--served-model-name", "x", "--port", "8000"],
    ["serve", "m", "--port", "8000", "--port=8001"],
    ["serve", "m", "--enable_expert_parallel", "--no-enable_prefix_caching"],
    ["serve", "m", "--help=max_model_len"],
]


class _Stub(importlib.abc.Loader):
    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        module.__path__ = []


class _StubFinder(importlib.abc.MetaPathFinder):
    """Empty modules for the wheel's compiled extensions."""

    def __init__(self, names):
        self.names = set(names)

    def find_spec(self, name, path=None, target=None):
        if name in self.names:
            return importlib.machinery.ModuleSpec(name, _Stub())
        return None


class _Built(Exception):
    def __init__(self, parser):
        super().__init__("parser built")
        self.parser = parser


class _Handed(Exception):
    def __init__(self, args):
        super().__init__("arguments handed to argparse")
        self.args = args


def jsonable(value):
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def describe_type(func):
    """The converter argparse calls, by name, with the converter it wraps (parse_type, optional_type)."""
    if func is None:
        return None
    out = {"name": getattr(func, "__name__", repr(func)), "module": getattr(func, "__module__", None)}
    code = getattr(func, "__code__", None)
    if out["name"] == "<lambda>":
        import inspect
        out["source"] = inspect.getsource(func).strip()
    if code is not None and func.__closure__:
        cells = dict(zip(code.co_freevars, func.__closure__))
        if "return_type" in cells:
            out["wraps"] = describe_type(cells["return_type"].cell_contents)
    defaults = getattr(func, "__defaults__", None) or ()
    if code is not None and "cls" in code.co_varnames[:code.co_argcount] and defaults:
        cls = defaults[-1]
        out["cls"] = getattr(cls, "__name__", repr(cls))
        import dataclasses
        if dataclasses.is_dataclass(cls):
            # The keys its JSON may have (pydantic refuses others).
            out["fields"] = [f.name for f in dataclasses.fields(cls)]
    return out


def describe_action(action, deprecated):
    cls = type(action)
    kind = KINDS.get(cls.__name__) if cls.__module__ == "argparse" else None
    record = {
        "option_strings": list(action.option_strings),
        "dest": action.dest,
        "kind": kind or "%s.%s" % (cls.__module__, cls.__qualname__),
        "nargs": action.nargs,
        "const": action.const if jsonable(action.const) else {"repr": repr(action.const)},
        "default": action.default if jsonable(action.default) else {"repr": repr(action.default)},
        "type": describe_type(action.type),
        "choices": None,
        "required": bool(action.required),
        "metavar": action.metavar if jsonable(action.metavar) else repr(action.metavar),
        "deprecated": action in deprecated or bool(getattr(action, "deprecated", False)),
    }
    if kind is None:
        record["bases"] = [KINDS.get(b.__name__, b.__name__) for b in cls.__mro__[1:] if b.__module__ == "argparse"]
    if action.choices is not None and kind != "parsers":
        choices = list(action.choices)
        record["choices"] = choices if jsonable(choices) else [repr(c) for c in choices]
    return record


def describe_parser(parser, deprecated):
    return {
        "prog": parser.prog,
        "usage": parser.usage,
        "format_usage": parser.format_usage(),
        "allow_abbrev": parser.allow_abbrev,
        "prefix_chars": parser.prefix_chars,
        "exit_on_error": getattr(parser, "exit_on_error", True),
        "actions": [describe_action(a, deprecated) for a in parser._actions if not isinstance(a, argparse._SubParsersAction)],
    }


def build_parser():
    """The parser vllm.entrypoints.cli.main.main() builds, taken at its parse_args() call."""
    from vllm.utils.argparse_utils import FlexibleArgumentParser
    import vllm.entrypoints.cli.main as cli_main

    real = FlexibleArgumentParser.parse_args

    def taken(self, args=None, namespace=None):
        raise _Built(self)

    FlexibleArgumentParser.parse_args = taken
    sys.argv = ["vllm", "serve"]
    try:
        cli_main.main()
    except _Built as built:
        return built.parser, FlexibleArgumentParser, real
    finally:
        FlexibleArgumentParser.parse_args = real
    raise RuntimeError("vllm's main() returned without parsing its arguments")


def rewrite(parser, real, argv):
    """What FlexibleArgumentParser.parse_args hands on to argparse for argv, or the error it raises."""
    plain = argparse.ArgumentParser.parse_args

    def handed(self, args=None, namespace=None):
        raise _Handed(list(args))

    argparse.ArgumentParser.parse_args = handed
    try:
        real(parser, list(argv))
    except _Handed as got:
        return {"argv": argv, "handed": got.args}
    except (ValueError, AssertionError) as exc:
        return {"argv": argv, "error": "%s: %s" % (type(exc).__name__, exc)}
    finally:
        argparse.ArgumentParser.parse_args = plain
    return {"argv": argv, "error": "parse_args returned without calling argparse"}


def message_fields():
    """The fields of the chat completion message and of its streaming delta, from vLLM's protocol classes."""
    import importlib
    out = {}
    for cls, modules in (("ChatMessage", ("vllm.entrypoints.openai.chat_completion.protocol", "vllm.entrypoints.openai.protocol")),
                         ("DeltaMessage", ("vllm.entrypoints.openai.engine.protocol", "vllm.entrypoints.openai.protocol"))):
        for name in modules:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            if hasattr(module, cls):
                out[cls] = {"module": name, "fields": list(getattr(module, cls).model_fields)}
                break
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", help="directory holding the extracted vllm package")
    ap.add_argument("--stub", action="append", default=[], help="module name to replace by an empty module")
    ap.add_argument("--deps", help="directory of the wheel's own pins of packages, ahead of the environment's")
    opts = ap.parse_args()
    if opts.source:
        sys.path.insert(0, os.path.abspath(opts.source))
    if opts.deps:
        sys.path.insert(1, os.path.abspath(opts.deps))
        sys.meta_path.insert(0, _StubFinder(opts.stub))
    os.environ.setdefault("COLUMNS", "80")
    # vLLM logs while it builds the parser; keep stdout for the JSON.
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        import vllm
        parser, flexible, real = build_parser()
        serve = parser._subparsers._group_actions[0].choices["serve"]
        deprecated = set(getattr(flexible, "_deprecated", ()))
        subcommands = parser._subparsers._group_actions[0]
        top = describe_parser(parser, deprecated)
        top["subcommands"] = list(subcommands.choices)
        top["subparsers_dest"] = subcommands.dest
        top["subparsers_required"] = subcommands.required
        top["subparsers_metavar"] = subcommands.metavar
        dump = {
            "vllm_version": getattr(vllm, "__version__", None),
            "python": "%d.%d.%d" % sys.version_info[:3],
            "module": os.path.dirname(vllm.__file__) if not opts.source else "vllm (from the wheel)",
            "parser": top,
            "serve": describe_parser(serve, deprecated),
            "rewrites": [rewrite(parser, real, argv) for argv in PROBES],
            "responses": message_fields(),
        }
    finally:
        sys.stdout = stdout
    json.dump(dump, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
