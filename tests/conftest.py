"""Make the repository importable as ``ansible_collections.npuops.gptoss``.

Modules and module_utils import each other by their collection path, as they do once installed. The checkout's
own directory name is arbitrary, so a link ``.cache/collections/ansible_collections/npuops/gptoss`` pointing at the
repository root is created and put first on ``sys.path``.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / ".cache" / "collections"


def _link_collection() -> None:
    ns_dir = COLLECTIONS / "ansible_collections" / "npuops"
    ns_dir.mkdir(parents=True, exist_ok=True)
    link = ns_dir / "gptoss"
    if not link.is_symlink() or Path(os.readlink(link)) != ROOT:
        tmp = ns_dir / ".gptoss.tmp"
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(ROOT, target_is_directory=True)
        tmp.replace(link)
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))


_link_collection()
