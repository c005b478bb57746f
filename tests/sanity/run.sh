#!/usr/bin/env bash
# ansible-test sanity needs the collection at ansible_collections/<ns>/<name>/ outside any other git checkout,
# so the files git knows about (tracked, or new and not ignored) are copied to a temporary tree first.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}
pyver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
work=$(mktemp -d /tmp/npuops-sanity.XXXXXX)
trap 'rm -rf "$work"' EXIT
dest=$work/ansible_collections/npuops/gptoss
mkdir -p "$dest"

cd "$root"
# The simulated fleet, molecule scenarios and CI glue are not part of the collection (galaxy.yml build_ignore);
# they are checked by their own tests. Everything else, tests included, is checked here.
git ls-files -z --cached --others --exclude-standard -- . ':!sim' ':!molecule' ':!.ci' ':!.config' | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue   # deleted in the working tree but not yet committed
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f"
done

"$root/tests/sanity/prime-pip-cache.sh" "$python"
# ansible-test runs its shellcheck test only where the tool is installed: install it, so every machine runs the same tests.
"$root/sim/bin/apt-ensure.sh" shellcheck

cd "$dest"
"$root/.venv/bin/ansible-test" sanity --color no --python "$pyver" --requirements "$@"
