"""What a host has of a revision: vouched for by the record, to hash, to fetch; and the record written after."""
from __future__ import annotations

from ansible_collections.npuops.gptoss.plugins.module_utils.model_weights_state import (
    FileStat, judge_hashed, need_bytes, record, record_files, sort_files)

A, B, C = "a" * 64, "b" * 64, "c" * 64
ITEMS = [{"kind": "weights", "name": "config.json", "dest": "/m/config.json", "sha256": A, "size": 10},
         {"kind": "weights", "name": "s1.safetensors", "dest": "/m/s1.safetensors", "sha256": B, "size": 100},
         {"kind": "weights", "name": "s2.safetensors", "dest": "/m/s2.safetensors", "sha256": B, "size": 100},
         {"kind": "tiktoken", "name": "o200k_base.tiktoken", "dest": "/t/o200k_base.tiktoken", "sha256": C, "size": None}]


def test_record_of_another_path_vouches_for_nothing():
    rec = {"path": "/other", "files": {"config.json": {"sha256": A, "size": 10, "mtime": 1.5}}}
    assert record_files(rec, "/m") == {} and record_files(None, "/m") == {}
    assert record_files(dict(rec, path="/m"), "/m") == rec["files"]


def test_files_are_sorted():
    stats = {"/m/config.json": FileStat(10, 1.5), "/m/s1.safetensors": FileStat(99, 2.0),
             "/t/o200k_base.tiktoken": FileStat(5, 3.0)}
    found = sort_files(ITEMS, stats, {"config.json": {"sha256": A, "size": 10, "mtime": 1.5}})
    assert found.vouched == {"config.json": 1.5}
    assert [(i["name"], i["why"]) for i in found.absent] == [("s1.safetensors", "99 bytes, pinned 100"),
                                                             ("s2.safetensors", "missing")]
    assert [i["name"] for i in found.to_hash] == ["o200k_base.tiktoken"]


def test_a_touched_or_repinned_file_is_hashed_again():
    stats = {"/m/config.json": FileStat(10, 9.0)}
    assert [i["name"] for i in sort_files(ITEMS[:1], stats, {"config.json": {"sha256": A, "size": 10, "mtime": 1.5}}).to_hash] == [
        "config.json"]
    assert sort_files(ITEMS[:1], stats, {"config.json": {"sha256": B, "size": 10, "mtime": 9.0}}).vouched == {}


def test_hashed_files_are_judged():
    stats = {"/m/config.json": FileStat(10, 1.0), "/m/s1.safetensors": FileStat(100, 2.0), "/t/o200k_base.tiktoken": FileStat(5, 3.0)}
    good, todo = judge_hashed(ITEMS, {"/m/config.json": A, "/m/s1.safetensors": C, "/t/o200k_base.tiktoken": C}, stats)
    assert good == {"config.json": 1.0}
    assert [(i["name"], i["why"]) for i in todo] == [("s1.safetensors", "sha256 %s, pinned %s" % (C, B)),
                                                     ("s2.safetensors", "missing")]
    assert need_bytes(todo) == 200


def test_record_only_when_every_weights_file_is_proved():
    assert record("r/x", "1" * 40, "/m", ITEMS, {"config.json": 1.0}) is None
    rec = record("r/x", "1" * 40, "/m", ITEMS, {"config.json": 1.0, "s1.safetensors": 2.0, "s2.safetensors": 3.0})
    assert rec == {"repo": "r/x", "revision": "1" * 40, "path": "/m", "files": {
        "config.json": {"sha256": A, "size": 10, "mtime": 1.0}, "s1.safetensors": {"sha256": B, "size": 100, "mtime": 2.0},
        "s2.safetensors": {"sha256": B, "size": 100, "mtime": 3.0}}}
