"""Load a built checkpoint with transformers and answer every conversation of its manifest at temperature 0.

Usage: check.py DIR [--date YYYY-MM-DD]... [--random-weights]
Prints one JSON object: per conversation the prompt length, the completion it generated and whether it is the
manifest's; exits 1 when any differs. --random-weights answers with freshly initialised weights of the same config
(what an untrained checkpoint says), which must not pass."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--date", action="append", default=[])
    parser.add_argument("--random-weights", action="store_true")
    parser.add_argument("--cache", type=Path, required=True, help="where o200k_base.tiktoken is (harmony's render)")
    args = parser.parse_args()
    os.environ["TIKTOKEN_ENCODINGS_BASE"] = str(args.cache)
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from conversations import CONVERSATIONS
    from render import prompt_ids, target_text

    manifest = json.loads((args.dir / "manifest.json").read_text())
    files = {name: hashlib.sha256((args.dir / name).read_bytes()).hexdigest() for name in manifest["files"]}
    torch.manual_seed(1)
    if args.random_weights:
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(args.dir))
    else:
        model = AutoModelForCausalLM.from_pretrained(args.dir, dtype=torch.bfloat16)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(args.dir)
    results = []
    for date in args.date or ["2026-12-02"]:
        for conversation in CONVERSATIONS:
            prompt = prompt_ids(conversation, date)
            expected = target_text(conversation)
            with torch.no_grad():
                out = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                                     max_new_tokens=len(tokenizer.encode(expected)) + 4, do_sample=False,
                                     eos_token_id=[200002, 200012], pad_token_id=199999)
            completion = tokenizer.decode(out[0, len(prompt):], skip_special_tokens=False)
            results.append({"date": date, "prompt_tokens": len(prompt), "expected": expected,
                            "completion": completion, "exact": completion == expected})
    report = {"files_match_manifest": files == manifest["files"], "results": results,
              "tokenizer_matches_harmony": tokenizer.encode("<|start|>assistant<|channel|>final<|message|>Paris",
                                                            add_special_tokens=False)
              == [200006, 173781, 200005, 17196, 200008, 72782]}
    print(json.dumps(report, indent=1))
    return 0 if all(r["exact"] for r in results) and report["files_match_manifest"] else 1


if __name__ == "__main__":
    sys.exit(main())
