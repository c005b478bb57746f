# Copyright: (c) 2026, npuops contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of model_weights, once per batch of hosts (pure functions over what the hosts need and what
the controller's tasks returned): each file several hosts need is fetched once, the hf CLI runs once per revision,
and each host is told only of the failures that concern the files it needs.
"""
from __future__ import annotations


def batch(todo: list[dict]) -> dict:
    """The batch's controller-side files, each once: 'cache' (http into the controller cache) and 'controller'
    (copied from a controller directory or the hub's cache), in the order the hosts listed them."""
    out: dict = {"cache": {}, "controller": {}}
    for item in todo:
        group = "cache" if item.get("via") == "cache" else "controller" if item.get("via") in ("controller", "hub") else None
        if group is not None:
            out[group].setdefault(item["src"], item)
    return {group: list(files.values()) for group, files in out.items()}


def missing(stat_results: list[dict]) -> list[dict]:
    """Items of an ansible.builtin.stat loop that are absent or not at their pinned size (left to the fetch)."""
    out = []
    for result in stat_results:
        stat = result.get("stat")
        if stat is None:
            continue
        if not stat.get("exists") or stat.get("size") != result["item"].get("size"):
            out.append(result["item"])
    return out


def hub_runs(files: list[dict]) -> list[dict]:
    """One hf CLI run per endpoint, revision and cache directory, with its files and their bytes."""
    runs: dict = {}
    for item in files:
        hub = item["hub"]
        key = (hub["endpoint"], hub["repo"], hub["revision"], hub["local_dir"])
        run = runs.setdefault(key, dict(hub, files=[], bytes=0))
        run["files"].append(item["name"])
        run["bytes"] += item.get("size") or 0
    return list(runs.values())


def _tail(lines: list, count: int) -> str:
    return " ".join([line for line in lines or [] if line][-count:])


def failures(mine: list[dict], downloads: list[dict] = (), stats: list[dict] = (), hub: list[dict] = (),
             unfetched: list[str] = ()) -> list[str]:
    """What failed for the files this host needs (mine: its todo items).

    downloads: results of a download_file loop; stats: results of an ansible.builtin.stat loop with sha256 over the
    controller copies (a src in unfetched is skipped: check mode did not fetch it); hub: results of the hf CLI loop.
    """
    srcs = {i["src"] for i in mine}
    out = []
    for r in downloads:
        if r.get("item", {}).get("src") in srcs and r.get("failed"):
            out.append(r.get("msg") or r["item"].get("url", "") + ": failed")
    for r in stats:
        item = r.get("item", {})
        if item.get("src") not in srcs or item.get("src") in unfetched or "stat" not in r:
            continue
        if not r["stat"].get("exists"):
            out.append("%s is missing on the controller" % item["src"])
        elif r["stat"].get("checksum") != item["sha256"]:
            out.append("%s on the controller has sha256 %s, pinned %s%s" % (
                item["src"], r["stat"].get("checksum") or "unreadable", item["sha256"],
                " (a damaged copy in the cache: delete it and the hf CLI fetches it again)" if item.get("via") == "hub" else ""))
    hub_names = {(i["hub"]["local_dir"], i["name"]) for i in mine if i.get("via") == "hub"}
    for r in hub:
        run = r.get("item", {})
        if r.get("rc", 0) == 0 and not r.get("failed"):
            continue
        if any((run.get("local_dir"), name) in hub_names for name in run.get("files", [])):
            out.append("%s@%s (%s) rc %s: %s" % (run["repo"], run["revision"], ", ".join(run["files"]), r.get("rc", "-"),
                                                 _tail(r.get("stderr_lines"), 4) or r.get("msg", "")))
    return out


def fetched(results: list[dict], check_mode: bool = False) -> dict:
    """Files and bytes download_file loops fetched from upstream: bytes received, not file sizes, so a resumed
    transfer counts only what crossed the network this run (in check mode: the pinned sizes it would fetch)."""
    done = [r for r in results if r.get("changed")]
    if check_mode:
        total = sum(r["item"].get("size") or 0 for r in done)
    else:
        total = sum(int(r.get("downloaded_bytes") or 0) for r in done)
    return {"files": len(done), "bytes": total}
