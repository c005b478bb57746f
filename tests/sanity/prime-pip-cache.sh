#!/usr/bin/env bash
# ansible-test bootstraps pip with get-pip.py from the internet, which is unreachable here. It accepts a cached
# script at ~/.ansible/test/cache/get_pip_<version>.py: write one that installs pip from a wheel fetched from PyPI.
set -euo pipefail
python=$1
ver=$("$python" - <<'PY'
import importlib.util, re, sys
spec = importlib.util.find_spec("ansible_test")
src = open(spec.submodule_search_locations[0] + "/_internal/python_requirements.py").read()
m = re.search(r"default_packages = dict\(\s*pip='([^']+)'", src)
print(m.group(1) if m else "")
PY
)
if [ -z "$ver" ]; then
  echo "prime-pip-cache: cannot find the pip version ansible-test bootstraps" >&2
  exit 1
fi
cache=~/.ansible/test/cache
script=$cache/get_pip_${ver//./_}.py
[ -s "$script" ] && exit 0
mkdir -p "$cache/wheels"
"$python" -m pip download -q --no-deps --only-binary=:all: -d "$cache/wheels" "pip==$ver"
wheels=("$cache"/wheels/pip-"$ver"-*.whl)
wheel=${wheels[0]}
cat > "$script" <<PY
# Stand-in for get-pip.py: install pip $ver from a wheel already on disk.
import runpy, sys
sys.path.insert(0, "$wheel")
# get-pip.py's own options (--no-setuptools, --no-wheel, pip==X) mean nothing to pip itself: install the wheel only.
sys.argv = ["pip", "install", "--no-index", "--quiet", "--disable-pip-version-check", "$wheel"]
runpy.run_module("pip", run_name="__main__")
PY
echo "prime-pip-cache: $script installs pip $ver from $wheel"
