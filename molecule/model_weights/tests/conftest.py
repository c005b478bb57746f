"""What the tests compare against: the manifest sim/weights/build.sh wrote, read on the controller."""
import os

import pytest
import yaml

MODELS = os.path.join(os.environ.get("NPUOPS_SIM_STATE", "/var/tmp/npuops-sim"), "artifacts", "models")


@pytest.fixture(scope="session")
def manifest():
    with open(os.path.join(MODELS, "manifest.yml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def tree(host, root):
    """Every entry under root as '<relative path> <type>' (f file, d directory, l link), sorted."""
    out = host.run(f"find {root} -mindepth 1 -printf '%P %y\\n' | sort")
    assert out.rc == 0, out.stderr
    return out.stdout.splitlines()


def photo_unchanged(host, root):
    """The share as prepare photographed it: paths, sizes, mtimes, ctimes, modes and sha256s."""
    now = host.check_output(
        f"cd {root} && {{ find . -printf '%p %s %T@ %C@ %m\\n' | sort; "
        "find . -type f -print0 | sort -z | xargs -0 sha256sum; }")
    before = host.file("/root/mol-share-before.txt").content_string
    return now.strip() == before.strip()
