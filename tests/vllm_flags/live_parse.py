"""Parse command lines with the `vllm` parser the installed vLLM builds itself; print the outcomes as JSON.

Run by test_live_parser.py with the live venv's Python (sim/vllm/flags/live-venv.sh). Reads a JSON list of
argument lists on stdin. For each: the exit code and stderr text when argparse (or vLLM's own rewriting)
refuses it, else the parsed values that are JSON (config objects are left out, by name).
"""
import contextlib
import io
import json
import logging
import sys


class Built(Exception):
    pass


def real_parser():
    from vllm.utils.argparse_utils import FlexibleArgumentParser
    import vllm.entrypoints.cli.main as cli_main

    real = FlexibleArgumentParser.parse_args
    holder = {}

    def taken(self, args=None, namespace=None):
        holder["parser"] = self
        raise Built()

    FlexibleArgumentParser.parse_args = taken
    sys.argv = ["vllm", "serve"]
    try:
        cli_main.main()
    except Built:
        pass
    finally:
        FlexibleArgumentParser.parse_args = real
    return holder["parser"]


def outcome(parser, argv):
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            ns = parser.parse_args(list(argv))
    except SystemExit as exc:
        return {"exit": exc.code, "stderr": err.getvalue()}
    except ValueError as exc:
        return {"error": "ValueError: %s" % exc}
    values, other = {}, []
    for key, value in sorted(vars(ns).items()):
        if key == "dispatch_function":
            continue
        try:
            json.dumps(value)
            values[key] = value
        except TypeError:
            other.append(key)
    return {"values": values, "objects": other}


def main():
    argvs = json.load(sys.stdin)
    stdout, sys.stdout = sys.stdout, io.StringIO()
    try:
        parser = real_parser()
        logging.disable(logging.CRITICAL)  # vLLM's warnings (e.g. about --model) are not argparse's output
        results = [outcome(parser, argv) for argv in argvs]
    finally:
        sys.stdout = stdout
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
