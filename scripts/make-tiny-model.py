#!/usr/bin/python3
"""Generates small, real GPT-2 causal LMs in the Hugging Face / optimum ONNX export layout.

    <out>/config.json            model_type gpt2, n_layer, n_head, n_embd, vocab_size, n_positions, bos/eos ids
    <out>/tokenizer.json         byte-level BPE (GPT-2 style), merges learned here over the dataset fixtures
    <out>/tokenizer_config.json
    <out>/onnx/model.onnx        inputs input_ids, attention_mask, position_ids[, past_key_values.{i}.key/value]
                                 outputs logits[, present.{i}.key/value]
    <out>/reference.json         torch logits and Python tokenisations, for the TypeScript tests to compare against

Debian's python3-torch and python3-onnx (and python3-regex for the GPT-2 pre-tokenizer pattern) are all it needs:
there is no python3-transformers, so the model is a minimal GPT-2 written in plain torch, exported with
torch.onnx.export under optimum's input/output names.

    /usr/bin/python3 scripts/make-tiny-model.py                 # both committed fixtures in tests/fixtures/models/
    /usr/bin/python3 scripts/make-tiny-model.py --preset 20m --out .atlas/models/gpt2-20m   # benchmark model

Everything is seeded and single-threaded, so a rerun with the same torch writes the same numbers.
"""
import argparse
import glob
import json
import math
import os
import sys
import warnings

import regex
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EOT = "<|endoftext|>"
LETTERS = "ABCDEFGHIJ"  # MMLU uses A-D, MMLU-ProX A-J: " A".." J" must each be one token
# The pattern of the GPT-2 / Hugging Face ByteLevel pre-tokenizer (use_regex: true).
GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
PRESETS = {
    # ~20.5M parameters: 5 x 3.15M (blocks) + 8192 x 512 (tied embeddings) + 1024 x 512 (positions).
    "20m": dict(n_layer=5, n_head=8, n_embd=512, n_positions=1024, vocab_size=8192, merges=4000),
    "tiny": dict(n_layer=2, n_head=4, n_embd=32, n_positions=1024, vocab_size=0, merges=300),
}


# ---------------------------------------------------------------------------------------------------------------
# Byte-level BPE: the same byte <-> unicode table, pre-tokenizer and merge procedure as GPT-2 / HF tokenizers.


def bytes_to_unicode():
    """GPT-2's reversible map of the 256 byte values to printable characters (space -> 'Ġ', newline -> 'Ċ')."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHARS = bytes_to_unicode()


def pre_tokenize(text):
    """Splits like the ByteLevel pre-tokenizer and maps every piece's UTF-8 bytes to byte characters."""
    return ["".join(BYTE_CHARS[b] for b in piece.encode("utf-8")) for piece in GPT2_PATTERN.findall(text)]


def train_bpe(texts, n_merges, forced):
    """A tiny BPE trainer: repeatedly merges the most frequent adjacent pair (ties: the smallest pair, so the result
    is deterministic). `forced` merges come first, so the option letters are single tokens whatever the corpus."""
    words = {}
    for text in texts:
        for piece in pre_tokenize(text):
            words[piece] = words.get(piece, 0) + 1
    splits = {w: list(w) for w in words}
    merges = []

    def apply(pair):
        a, b = pair
        for w, syms in splits.items():
            i = 0
            out = []
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            splits[w] = out

    for pair in forced:
        merges.append(pair)
        apply(pair)
    while len(merges) < len(forced) + n_merges:
        counts = {}
        for w, syms in splits.items():
            for pair in zip(syms, syms[1:]):
                counts[pair] = counts.get(pair, 0) + words[w]
        if not counts:
            break
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break  # the corpus is exhausted: a merge seen once teaches nothing
        merges.append(best[0])
        apply(best[0])
    return merges


class BpeEncoder:
    """Encodes text exactly as tokenizer.json describes it (checked against @huggingface/tokenizers by the tests)."""

    def __init__(self, vocab, merges, special):
        self.vocab = vocab
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.special = special  # content -> id
        self.special_re = regex.compile("(" + "|".join(regex.escape(s) for s in special) + ")") if special else None

    def bpe(self, word):
        syms = list(word)
        while len(syms) > 1:
            pairs = [(self.ranks.get(p, math.inf), i) for i, p in enumerate(zip(syms, syms[1:]))]
            rank, _ = min(pairs)
            if rank == math.inf:
                break
            a, b = next(p for p in zip(syms, syms[1:]) if self.ranks.get(p) == rank)
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            syms = out
        return syms

    def encode(self, text):
        ids = []
        parts = self.special_re.split(text) if self.special_re else [text]
        for part in parts:
            if part in self.special:
                ids.append(self.special[part])
                continue
            for word in pre_tokenize(part):
                ids.extend(self.vocab[s] for s in self.bpe(word))
        return ids


def corpus_texts():
    """Every string of the dataset fixtures plus the fixed parts of the scoring prompts."""
    texts = []
    for path in sorted(glob.glob(os.path.join(REPO, "tests/fixtures/datasets/**/*.jsonl"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                for key, value in row.items():
                    if isinstance(value, str) and value != "N/A" and key not in ("sample_id", "src"):
                        texts.append(value.replace("_", " ") if key in ("subject", "category") else value)
    header = "The following are multiple choice questions (with answers) about {}.\n\n"
    for text in list(texts):
        texts.append(header.format(text))
    texts += [f"\n{l}. " for l in LETTERS] + ["\nAnswer:", "\nAnswer: A\n\n"] * 20
    if not texts:
        sys.exit("no corpus: run tests/fixtures/datasets/make-fixtures.py first")
    return texts


def build_tokenizer(n_merges):
    forced = [(BYTE_CHARS[ord(" ")], l) for l in LETTERS]
    merges = train_bpe(corpus_texts(), n_merges, forced)
    vocab = {BYTE_CHARS[b]: i for i, b in enumerate(range(256))}
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    eot_id = len(vocab)
    tokenizer_json = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": eot_id, "content": EOT, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True}
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": [[a, b] for a, b in merges],
        },
    }
    tokenizer_config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "bos_token": EOT,
        "eos_token": EOT,
        "unk_token": EOT,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 1024,
        "tokenizer_class": "GPT2Tokenizer",
        "added_tokens_decoder": {str(eot_id): {"content": EOT, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False, "special": True}},
    }
    return tokenizer_json, tokenizer_config, BpeEncoder(vocab, merges, {EOT: eot_id}), eot_id


# ---------------------------------------------------------------------------------------------------------------
# GPT-2 in plain torch (pre-LayerNorm blocks, gelu_new, tied input/output embeddings), HF's parameter layout.


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.scale = 1.0 / math.sqrt(n_embd // n_head)  # a Python constant, so the trace does not read a shape
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.attn_proj = nn.Linear(n_embd, n_embd)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.mlp_proj = nn.Linear(4 * n_embd, n_embd)

    def heads(self, t):  # [B, S, n_embd] -> [B, H, S, D]
        return t.reshape(t.shape[0], t.shape[1], self.n_head, -1).transpose(1, 2)

    def forward(self, x, bias, past_k, past_v):
        n_embd = x.shape[-1]
        q, k, v = self.c_attn(self.ln_1(x)).split(n_embd, dim=2)
        q, k, v = self.heads(q), self.heads(k), self.heads(v)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = torch.matmul(q, k.transpose(-1, -2)) * self.scale + bias
        y = torch.matmul(torch.softmax(att, dim=-1), v)
        y = y.transpose(1, 2).reshape(x.shape[0], x.shape[1], n_embd)
        x = x + self.attn_proj(y)
        x = x + self.mlp_proj(gelu_new(self.c_fc(self.ln_2(x))))
        return x, k, v


class TinyGpt2(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.h = nn.ModuleList(Block(cfg["n_embd"], cfg["n_head"]) for _ in range(cfg["n_layer"]))
        self.ln_f = nn.LayerNorm(cfg["n_embd"], eps=1e-5)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: list of (key, value) [B, H, past, D] or None (the no-cache export). Returns logits and presents."""
        seq = input_ids.shape[1]
        total = attention_mask.shape[1]  # past + seq, as in HF: the mask covers the cached positions too
        key_pos = torch.arange(total)
        query_pos = torch.arange(seq) + (total - seq)
        allowed = (key_pos[None, :] <= query_pos[:, None])[None, :, :] & (attention_mask[:, None, :] > 0)
        # finfo.min rather than -inf: a fully masked row (a left-padding position) stays finite instead of NaN.
        zero = torch.tensor(0.0, dtype=torch.float32)
        blocked = torch.tensor(torch.finfo(torch.float32).min, dtype=torch.float32)
        bias = torch.where(allowed, zero, blocked)[:, None, :, :]
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = block(x, bias, pk, pv)
            presents.append((k, v))
        logits = F.linear(self.ln_f(x), self.wte.weight)
        return logits, presents


def init_weights(model, cfg, seed):
    """Random weights, scaled so that logits vary by a few nats: with GPT-2's 0.02 a tiny model's next-token
    distribution would be almost uniform and a wrong position or mask would hide under 1e-5 differences."""
    g = torch.Generator().manual_seed(seed)
    n = cfg["n_embd"]
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)
            elif ".ln_" in name or name.startswith("ln_"):
                p.copy_(1.0 + torch.randn(p.shape, generator=g) * 0.1)
            elif name.startswith("wte") or name.startswith("wpe"):
                p.copy_(torch.randn(p.shape, generator=g) * (1.5 / math.sqrt(n)))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * (1.2 / math.sqrt(p.shape[1])))


class PastWrapper(nn.Module):
    """The with-past export: flat tensors in optimum's order (input_ids, attention_mask, position_ids, past...)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        return (logits,) + tuple(t for kv in presents for t in kv)


class NoPastWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids):
        return self.model(input_ids, attention_mask, position_ids)[0]


def export_onnx(model, cfg, path, with_past, opset):
    n_layer, n_head = cfg["n_layer"], cfg["n_head"]
    head_dim = cfg["n_embd"] // n_head
    batch, seq, past_len = 2, 3, 2  # traced with a non-zero past so that no length is folded into a constant
    input_ids = torch.zeros(batch, seq, dtype=torch.int64)
    position_ids = torch.arange(past_len, past_len + seq).repeat(batch, 1)
    names = ["input_ids", "attention_mask", "position_ids"]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "position_ids": {0: "batch_size", 1: "sequence_length"}}
    outputs = ["logits"]
    axes["logits"] = {0: "batch_size", 1: "sequence_length"}
    if with_past:
        attention_mask = torch.ones(batch, past_len + seq, dtype=torch.int64)
        axes["attention_mask"] = {0: "batch_size", 1: "past_sequence_length + sequence_length"}
        past = []
        for i in range(n_layer):
            for kind in ("key", "value"):
                past.append(torch.zeros(batch, n_head, past_len, head_dim))
                names.append(f"past_key_values.{i}.{kind}")
                axes[names[-1]] = {0: "batch_size", 2: "past_sequence_length"}
                outputs.append(f"present.{i}.{kind}")
                axes[outputs[-1]] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
        module, args = PastWrapper(model), (input_ids, torch.ones(batch, past_len + seq, dtype=torch.int64), position_ids, *past)
    else:
        position_ids = torch.arange(seq).repeat(batch, 1)
        axes["attention_mask"] = {0: "batch_size", 1: "sequence_length"}
        module, args = NoPastWrapper(model), (input_ids, torch.ones(batch, seq, dtype=torch.int64), position_ids)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # The two mask constants are constant on purpose; any other tracer warning still shows.
    warnings.filterwarnings("ignore", message="torch.tensor results are registered as constants")
    torch.onnx.export(
        module, args, path, input_names=names, output_names=outputs, dynamic_axes=axes, opset_version=opset, do_constant_folding=True
    )


# ---------------------------------------------------------------------------------------------------------------


def reference_data(model, encoder, cfg):
    """Torch's own numbers for the TypeScript tests: the ids Python's encoder gives for a set of strings in every
    script (the tests check @huggingface/tokenizers gives the same), and logits of two sequences (first 16 vocab
    entries at every position) that ONNX Runtime must reproduce, with and without a KV cache."""
    samples = [
        "The following are multiple choice questions (with answers) about high school geography.\n\n",
        "What is the capital of France?\nA. Paris\nB. London\nC. Berlin\nD. Rome\nAnswer: A\n\n",
        "Answer: J",
        "Сколько будет 7 + 5?",
        "ما هي عاصمة فرنسا؟",
        "फ्रांस की राजधानी क्या है?",
        "法国的首都是哪里？ 水的化学式是什么？",
        "フランスの首都はどこですか？",
        "የፈረンሳይ ዋና ከተማ ማን ናት?",
        "Mji mkuu wa Ufaransa ni upi?",
        "  leading spaces,\ttabs\nand\r\nCRLF   trailing   ",
        "emoji 🙂 and 'quotes' it's we'll",
        f"before{EOT}after",
        "unseen: Ελληνικά, 한국어, ქართული, ꦗꦮ",
    ]
    for path in sorted(glob.glob(os.path.join(REPO, "tests/fixtures/datasets/**/*.jsonl"), recursive=True))[:4]:
        with open(path, encoding="utf-8") as f:
            samples += [json.loads(line)["question"] for line in f]
    tokenization = [{"text": s, "ids": encoder.encode(s)} for s in samples]
    sequences = [tokenization[1]["ids"][:24], tokenization[8]["ids"][:17]]
    logits = []
    with torch.no_grad():
        for ids in sequences:
            t = torch.tensor([ids])
            out, _ = model(t, torch.ones_like(t), torch.arange(len(ids))[None, :], None)
            logits.append([[round(float(v), 6) for v in row[:16]] for row in out[0]])
    return {"tokenization": tokenization, "sequences": sequences, "logits_first16": logits}


def check_cache_consistency(model, cfg):
    """The KV-cache path must equal the full recomputation (the export is only as right as the torch model)."""
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, cfg["vocab_size"], (1, 9), generator=g)
    with torch.no_grad():
        full, _ = model(ids, torch.ones_like(ids), torch.arange(9)[None, :], None)
        n_head, d = cfg["n_head"], cfg["n_embd"] // cfg["n_head"]
        empty = [(torch.zeros(1, n_head, 0, d), torch.zeros(1, n_head, 0, d)) for _ in range(cfg["n_layer"])]
        a, present = model(ids[:, :5], torch.ones(1, 5, dtype=torch.int64), torch.arange(5)[None, :], empty)
        b, _ = model(ids[:, 5:], torch.ones(1, 9, dtype=torch.int64), torch.arange(5, 9)[None, :], present)
    err = (torch.cat([a, b], dim=1) - full).abs().max().item()
    assert err < 1e-4, f"KV cache path differs from full recomputation by {err}"


def write_model(out, cfg, model, tok_json, tok_config, encoder, with_past, opset):
    os.makedirs(out, exist_ok=True)
    config = {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "activation_function": "gelu_new",
        "n_layer": cfg["n_layer"],
        "n_head": cfg["n_head"],
        "n_embd": cfg["n_embd"],
        "n_positions": cfg["n_positions"],
        "n_ctx": cfg["n_positions"],
        "vocab_size": cfg["vocab_size"],
        "bos_token_id": cfg["eot_id"],
        "eos_token_id": cfg["eot_id"],
        "layer_norm_epsilon": 1e-5,
        "tie_word_embeddings": True,
        "use_cache": with_past,
        "torch_dtype": "float32",
    }
    for name, data in (("config.json", config), ("tokenizer.json", tok_json), ("tokenizer_config.json", tok_config)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1 if name != "tokenizer.json" else None)
            f.write("\n")
    export_onnx(model, cfg, os.path.join(out, "onnx", "model.onnx"), with_past, opset)
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference_data(model, encoder, cfg), f, ensure_ascii=False)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, x)) for d, _, xs in os.walk(out) for x in xs)
    params = sum(p.numel() for p in model.parameters())
    print(f"{out}: {params:,} parameters, {len(encoder.vocab) + 1} tokens, {size / 1024:.0f} KiB, past={'yes' if with_past else 'no'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="model folder to write (default: both fixtures in tests/fixtures/models/)")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    ap.add_argument("--n-layer", type=int)
    ap.add_argument("--n-head", type=int)
    ap.add_argument("--n-embd", type=int)
    ap.add_argument("--n-positions", type=int)
    ap.add_argument("--vocab-size", type=int, help="embedding rows (>= tokenizer vocabulary; extra rows are never produced)")
    ap.add_argument("--merges", type=int, help="BPE merges to learn (fewer if the corpus runs out)")
    ap.add_argument("--no-past", action="store_true", help="export without past_key_values inputs (with --out)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=17)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    cfg = dict(PRESETS[args.preset])
    for key in ("n_layer", "n_head", "n_embd", "n_positions", "vocab_size", "merges"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    if cfg["n_embd"] % cfg["n_head"]:
        sys.exit("--n-embd must be a multiple of --n-head")

    tok_json, tok_config, encoder, eot_id = build_tokenizer(cfg["merges"])
    tok_config["model_max_length"] = cfg["n_positions"]
    cfg["eot_id"] = eot_id
    cfg["vocab_size"] = max(cfg["vocab_size"], eot_id + 1)
    model = TinyGpt2(cfg).eval()
    init_weights(model, cfg, args.seed)
    check_cache_consistency(model, cfg)

    if args.out:
        write_model(args.out, cfg, model, tok_json, tok_config, encoder, not args.no_past, args.opset)
    else:
        base = os.path.join(REPO, "tests", "fixtures", "models")
        # Same weights and tokenizer in both, so either one checks the other.
        write_model(os.path.join(base, "tiny-gpt2"), cfg, model, tok_json, tok_config, encoder, True, args.opset)
        write_model(os.path.join(base, "tiny-gpt2-nocache"), cfg, model, tok_json, tok_config, encoder, False, args.opset)


if __name__ == "__main__":
    main()
