#!/usr/bin/env python3
"""Write small stand-ins for the gpt-oss model repositories and the tiktoken files into OUTDIR.

    make_weights.py FIXTURES OUTDIR

FIXTURES is tests/unit/sim/fixtures/vllm (the real published config.json files). Every byte written
depends only on this script and those configs, so two runs give the same files and the same sha256s.
A file whose content is already right is left alone (its mtime too). Prints the relative path of
every file it owns, one per line, on stdout; build.sh turns that into SHA256SUMS.
"""
import base64
import hashlib
import json
import os
import struct
import sys


# Fixed stand-in revisions: 40 hex digits like a Hugging Face commit id, derived from a label so the
# numbers are explained. They are not the real repositories' commits (those cannot be fetched here).
def revision(label):
    return hashlib.sha1(("npuops-sim " + label).encode()).hexdigest()


# Harmony special tokens of o200k_harmony, as in the real tokenizer_config.json / tokenizer.json.
SPECIAL_TOKENS = {
    "<|startoftext|>": 199998,
    "<|endoftext|>": 199999,
    "<|return|>": 200002,
    "<|constrain|>": 200003,
    "<|channel|>": 200005,
    "<|start|>": 200006,
    "<|end|>": 200007,
    "<|message|>": 200008,
    "<|call|>": 200012,
}

# gpt-oss generation_config.json as published (eos: <|return|>, <|endoftext|>, <|call|>).
GENERATION_CONFIG = {
    "bos_token_id": 199998,
    "do_sample": True,
    "eos_token_id": [200002, 199999, 200012],
    "pad_token_id": 199999,
    "transformers_version": "4.55.0",
}

MODELS = [
    # key, repo, fixture dir, shard names, manifest file
    {
        "key": "20b",
        "repo": "unsloth/gpt-oss-20b-BF16",
        "fixture": "gpt-oss-20b-bf16",
        # The real repository has nine shards; three keep the tests fast and still exercise a sharded index.
        "shards": ["model-%05d-of-00003.safetensors" % i for i in range(1, 4)],
        "manifest": "manifest.yml",
    },
    {
        "key": "120b",
        "repo": "unsloth/gpt-oss-120b-BF16",
        "fixture": "gpt-oss-120b-bf16",
        "shards": ["model-%05d-of-00003.safetensors" % i for i in range(1, 4)],
        "manifest": "manifest-120b.yml",
    },
    {
        # The official MXFP4 release, for refusal tests: its config.json carries quant_method mxfp4.
        # openai/gpt-oss-20b numbers its shards from zero.
        "key": "20b-mxfp4",
        "repo": "openai/gpt-oss-20b",
        "fixture": "gpt-oss-20b-mxfp4",
        "shards": ["model-%05d-of-00002.safetensors" % i for i in range(0, 3)],
        "manifest": "manifest-mxfp4.yml",
    },
]

SHARD_BYTES = 192 * 1024  # payload per stand-in shard; the index, not the files, states the real size


def bf16_bytes(cfg):
    """Bytes of a BF16 checkpoint of this gpt-oss config: every parameter tensor at 2 bytes.

    Gives 41829514368 for gpt-oss-20b (20914757184 parameters, the total_size of the real
    unsloth/gpt-oss-20b-BF16 index) and 233658313344 for gpt-oss-120b (116829156672 parameters).
    """
    h = cfg["hidden_size"]
    heads, kv, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    experts, inter = cfg["num_local_experts"], cfg["intermediate_size"]
    attn = (h * heads * hd + heads * hd) + 2 * (h * kv * hd + kv * hd) + (heads * hd * h + h) + heads  # q,k,v,o,sinks
    norms = 2 * h
    router = experts * h + experts
    mlp = experts * (h * 2 * inter + 2 * inter) + experts * (inter * h + h)  # gate_up_proj, down_proj (+ biases)
    layer = attn + norms + router + mlp
    embed = cfg["vocab_size"] * h * (1 if cfg.get("tie_word_embeddings") else 2)
    return 2 * (cfg["num_hidden_layers"] * layer + embed + h)


def stream(label, n):
    """n deterministic pseudo-random bytes."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(("%s:%d" % (label, counter)).encode()).digest()
        counter += 1
    return bytes(out[:n])


def safetensors(tensors, label):
    """A valid safetensors file holding the given BF16 tensors {name: shape} with deterministic data."""
    header, data, offset = {"__metadata__": {"format": "pt"}}, b"", 0
    for name in sorted(tensors):
        count = 1
        for d in tensors[name]:
            count *= d
        size = 2 * count
        header[name] = {"dtype": "BF16", "shape": tensors[name], "data_offsets": [offset, offset + size]}
        data += stream(label + "/" + name, size)
        offset += size
    raw = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    raw += b" " * (-len(raw) % 8)  # the format pads the header to 8 bytes
    return struct.pack("<Q", len(raw)) + raw + data


def shard_tensors(cfg, shards):
    """Tensor names spread over the shards like the real checkpoint (embeddings first, head last)."""
    names = ["model.embed_tokens.weight"]
    for layer in range(cfg["num_hidden_layers"]):
        names += ["model.layers.%d.%s" % (layer, t) for t in (
            "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.sinks",
            "mlp.router.weight", "mlp.experts.gate_up_proj", "mlp.experts.down_proj")]
    names += ["model.norm.weight", "lm_head.weight"]
    per = -(-len(names) // len(shards))
    return {name: shards[min(i // per, len(shards) - 1)] for i, name in enumerate(names)}


def write(path, content, owned, outdir):
    if isinstance(content, str):
        content = content.encode()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "rb") as fh:
            same = fh.read() == content
    except FileNotFoundError:
        same = False
    if not same:
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    owned.append(os.path.relpath(path, outdir))


def tiktoken_placeholder(name):
    """Placeholder in the tiktoken format (base64 token, space, rank): the 256 single bytes and a few
    words. NOT the real vocabulary; the real files cannot be downloaded here. Enough for a server that
    only checks the file is there; a real openai_harmony would load it but tokenize nonsense."""
    lines = [base64.b64encode(bytes([b])).decode() + " %d" % b for b in range(256)]
    words = ["npuops", "-sim", " placeholder", " for", " " + name.split(".")[0]]
    lines += [base64.b64encode(w.encode()).decode() + " %d" % (256 + i) for i, w in enumerate(words)]
    return "\n".join(lines) + "\n"


def yaml_manifest(model, files, tiktoken):
    out = ["---",
           "# Written by sim/weights/build.sh: the simulated %s at its fixed stand-in revision." % model["repo"],
           "# Same shape as the npuops.gptoss.model_weights variables: load with",
           "# lookup('ansible.builtin.file', '<dir>/%s') | from_yaml." % model["manifest"],
           "model_weights_repo: %s" % model["repo"],
           "model_weights_revision: \"%s\"" % model["revision"],
           "model_weights_files:"]
    out += ["  - {name: %s, sha256: \"%s\", size: %d}" % (f["name"], f["sha256"], f["size"]) for f in files]
    out.append("# Placeholders, not the real o200k_base / cl100k_base (see sim/weights/README.md).")
    out.append("model_weights_tiktoken_files:")
    out += ["  - {name: %s, sha256: \"%s\", size: %d}" % (f["name"], f["sha256"], f["size"]) for f in tiktoken]
    return "\n".join(out) + "\n"


def main():
    fixtures, outdir = sys.argv[1], os.path.abspath(sys.argv[2])
    owned = []

    tiktoken = []
    for name in ("o200k_base.tiktoken", "cl100k_base.tiktoken"):
        content = tiktoken_placeholder(name).encode()
        write(os.path.join(outdir, "tiktoken", name), content, owned, outdir)
        tiktoken.append({"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)})

    for model in MODELS:
        model["revision"] = revision(model["repo"] + " 1")
        with open(os.path.join(fixtures, model["fixture"], "config.json"), "rb") as fh:
            config_raw = fh.read()
        cfg = json.loads(config_raw)
        bf16 = cfg.get("quantization_config", {}).get("quant_method") != "mxfp4"
        weight_map = shard_tensors(cfg, model["shards"])
        if bf16:
            total = bf16_bytes(cfg)
        else:
            # MXFP4 checkpoint: the published fixture's rounded total (experts in 4.25 bits per weight).
            with open(os.path.join(fixtures, model["fixture"], "model.safetensors.index.json")) as fh:
                total = json.load(fh)["metadata"]["total_size"]
        index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
        base = os.path.join(outdir, model["repo"], model["revision"])
        special = {v: k for k, v in SPECIAL_TOKENS.items()}
        contents = {
            # The real config.json, byte for byte.
            "config.json": config_raw,
            "generation_config.json": json.dumps(GENERATION_CONFIG, indent=2) + "\n",
            "model.safetensors.index.json": json.dumps(index, indent=2) + "\n",
            # Stand-in tokenizer: real special tokens and ids, a tiny byte-level BPE instead of o200k_harmony.
            "tokenizer.json": json.dumps({
                "version": "1.0",
                "added_tokens": [{"id": i, "content": special[i], "special": True, "single_word": False,
                                  "lstrip": False, "rstrip": False, "normalized": False} for i in sorted(special)],
                "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                                  "use_regex": True},
                "model": {"type": "BPE", "vocab": {chr(33 + i): i for i in range(94)}, "merges": []},
            }, indent=2) + "\n",
            "tokenizer_config.json": json.dumps({
                "added_tokens_decoder": {str(i): {"content": special[i], "special": True} for i in sorted(special)},
                "bos_token": "<|startoftext|>",
                "eos_token": "<|return|>",
                "pad_token": "<|endoftext|>",
                "model_input_names": ["input_ids", "attention_mask"],
                "model_max_length": 1000000000000000019884624838656,
                "tokenizer_class": "PreTrainedTokenizerFast",
            }, indent=2) + "\n",
            "special_tokens_map.json": json.dumps({
                "bos_token": "<|startoftext|>", "eos_token": "<|return|>", "pad_token": "<|endoftext|>",
            }, indent=2) + "\n",
            # Stand-in for the harmony chat template: the message framing only.
            "chat_template.jinja": (
                "{#- npuops-sim stand-in of the gpt-oss harmony template: message framing only -#}\n"
                "{%- for m in messages -%}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{%- endfor -%}\n"
                "{%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}\n"),
        }
        for shard in model["shards"]:
            names = [n for n, s in weight_map.items() if s == shard]
            per_tensor = max(1, SHARD_BYTES // 2 // max(1, len(names)))  # elements, 2 bytes each
            contents[shard] = safetensors({n: [per_tensor] for n in names}, model["repo"] + "/" + shard)
        files = []
        for name in sorted(contents):
            data = contents[name] if isinstance(contents[name], bytes) else contents[name].encode()
            write(os.path.join(base, name), data, owned, outdir)
            files.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
        write(os.path.join(outdir, model["manifest"]), yaml_manifest(model, files, tiktoken), owned, outdir)

    print("\n".join(sorted(owned)))


if __name__ == "__main__":
    main()
