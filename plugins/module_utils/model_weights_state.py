# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a host already has of a pinned revision, decided from what was read there (pure functions).

A weights file counts as good when the verification record vouches for it (same sha256 pin, size and mtime as when
it was last hashed); any other file of the right size is hashed; missing or wrong-sized files need fetching.
Tiktoken files are small and hashed every run.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime: float


def record_files(record: dict | None, host_path: str) -> dict:
    """name -> {sha256, size, mtime} of a record written for this very path (a record of another path vouches for nothing)."""
    if not isinstance(record, dict) or record.get("path") != host_path or not isinstance(record.get("files"), dict):
        return {}
    return record["files"]


def vouched_for(item: dict, stat: FileStat | None, entry: dict) -> bool:
    return (stat is not None and stat.size == item["size"] and entry.get("sha256") == item["sha256"]
            and entry.get("size") == stat.size and entry.get("mtime") == stat.mtime)


@dataclass
class Sorted:
    vouched: dict  # name -> mtime, weights the record vouches for
    to_hash: list  # items to hash on the host (weights of the right size not vouched for, and every tiktoken file)
    absent: list  # items to fetch without hashing, each with its "why"


def sort_files(items: list[dict], stats: dict, record: dict) -> Sorted:
    """stats: dest -> FileStat of what exists; record: record_files() of the host's record."""
    out = Sorted({}, [], [])
    for item in items:
        stat = stats.get(item["dest"])
        if item["kind"] != "weights":
            out.to_hash.append(item)
        elif stat is None:
            out.absent.append(dict(item, why="missing"))
        elif stat.size != item["size"]:
            out.absent.append(dict(item, why="%d bytes, pinned %d" % (stat.size, item["size"])))
        elif vouched_for(item, stat, record.get(item["name"], {})):
            out.vouched[item["name"]] = stat.mtime
        else:
            out.to_hash.append(item)
    return out


def judge_hashed(hashed_items: list[dict], sums: dict, stats: dict) -> tuple[dict, list]:
    """(name -> mtime of weights proved good, items still needed with their "why") for the hashed items.

    sums: dest -> sha256 of the files that could be read.
    """
    good, todo = {}, []
    for item in hashed_items:
        stat, digest = stats.get(item["dest"]), sums.get(item["dest"])
        if stat is None:
            todo.append(dict(item, why="missing"))
        elif digest != item["sha256"]:
            todo.append(dict(item, why="sha256 %s, pinned %s" % (digest or "unreadable", item["sha256"])))
        elif item.get("size") is not None and stat.size != item["size"]:
            todo.append(dict(item, why="%d bytes, pinned %d" % (stat.size, item["size"])))
        elif item["kind"] == "weights":
            good[item["name"]] = stat.mtime
    return good, todo


def need_bytes(todo: list[dict]) -> int:
    return sum(i["size"] or 0 for i in todo if i["kind"] == "weights")


def record(repo: str, revision: str, host_path: str, items: list[dict], good: dict) -> dict | None:
    """The verification record once every weights file is proved (None while one is not)."""
    weights = [i for i in items if i["kind"] == "weights"]
    if any(i["name"] not in good for i in weights):
        return None
    return {"repo": repo, "revision": revision, "path": host_path,
            "files": {i["name"]: {"sha256": i["sha256"], "size": i["size"], "mtime": good[i["name"]]} for i in weights}}
