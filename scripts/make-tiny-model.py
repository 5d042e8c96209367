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

    /usr/bin/python3 scripts/make-tiny-model.py                 # every committed fixture in tests/fixtures/models/
    /usr/bin/python3 scripts/make-tiny-model.py --preset 20m --out .atlas/models/gpt2-20m   # benchmark model
    /usr/bin/python3 scripts/make-tiny-model.py --arch llama-20m --out .atlas/models/llama-20m   # Llama-style one

Besides GPT-2 it writes Llama-, Mistral- and Gemma-2-style decoders (tiny_decoders.py) with the same kind of
tokenizer plus the family's BOS token: tiny-llama / tiny-gemma2 with a float32 cache, -fp16 (float16 past, present
and logits), -nocache; tiny-mistral with a float32 cache. Their reference.json logits come from a token-by-token
torch run through the cache.

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

from tiny_decoders import TinyDecoder, init_decoder_weights

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

    def encode(self, text, bos=None):
        ids = [] if bos is None else [bos]
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


def build_tokenizer(n_merges, specials=(EOT,), bos=None):
    """specials: added tokens after the BPE vocabulary (the first is returned as eot_id); bos: one of them, prepended to
    every encoding by a TemplateProcessing post-processor, as Llama-3's and Gemma's tokenizer.json do."""
    forced = [(BYTE_CHARS[ord(" ")], l) for l in LETTERS]
    merges = train_bpe(corpus_texts(), n_merges, forced)
    vocab = {BYTE_CHARS[b]: i for i, b in enumerate(range(256))}
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    special_ids = {t: len(vocab) + i for i, t in enumerate(specials)}
    eot_id = special_ids[specials[0]]
    tokenizer_json = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True}
            for t, i in special_ids.items()
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
        "added_tokens_decoder": {
            str(i): {"content": t, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False, "special": True} for t, i in special_ids.items()
        },
    }
    if bos is not None:
        bos_id = special_ids[bos]
        tokenizer_json["post_processor"] = {
            "type": "Sequence",
            "processors": [
                tokenizer_json["post_processor"],
                {
                    "type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                    "special_tokens": {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}},
                },
            ],
        }
        tokenizer_config.update(add_bos_token=True, bos_token=bos, eos_token=specials[0], unk_token=None, tokenizer_class="PreTrainedTokenizerFast")
    return tokenizer_json, tokenizer_config, BpeEncoder(vocab, merges, special_ids), eot_id


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
    """The with-past export: flat tensors in optimum's order (input_ids, attention_mask, position_ids, past...).
    half: past_key_values, present.* and logits are float16 tensors (an optimum fp16 export's interface); the
    model between them computes in float32, so the cache and the logits are what float16 rounds."""

    def __init__(self, model, half=False):
        super().__init__()
        self.model = model
        self.half = half

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        if self.half:
            flat_past = tuple(t.float() for t in flat_past)
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        out = (logits,) + tuple(t for kv in presents for t in kv)
        return tuple(t.half() for t in out) if self.half else out


class NoPastWrapper(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids):
        return self.model(input_ids, attention_mask, position_ids)[0]


def export_onnx(model, cfg, path, with_past, opset, kv_heads=None, head_dim=None, half=False):
    n_layer = cfg["n_layer"]
    kv_heads = kv_heads or cfg["n_head"]
    head_dim = head_dim or cfg["n_embd"] // cfg["n_head"]
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
                past.append(torch.zeros(batch, kv_heads, past_len, head_dim, dtype=torch.float16 if half else torch.float32))
                names.append(f"past_key_values.{i}.{kind}")
                axes[names[-1]] = {0: "batch_size", 2: "past_sequence_length"}
                outputs.append(f"present.{i}.{kind}")
                axes[outputs[-1]] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
        module, args = PastWrapper(model, half), (input_ids, torch.ones(batch, past_len + seq, dtype=torch.int64), position_ids, *past)
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


# ---------------------------------------------------------------------------------------------------------------
# Llama / Mistral / Gemma-2 fixtures (tiny_decoders.py): the same tokenizer builder with the family's BOS token, HF
# config.json fields, and a reference from a token-by-token torch run through the cache.

LLAMA31_ROPE = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}
DECODERS = {
    # Llama-3.1's rope (theta 500000, llama3 scaling: with 4 frequencies one is scaled, one smoothed, two kept), GQA 4:2.
    "llama": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-5, rope_theta=500000.0, rope_scaling=LLAMA31_ROPE,
                  max_position_embeddings=131072, tie_word_embeddings=False, hidden_act="silu",
                  specials=("<|end_of_text|>", "<|begin_of_text|>"), bos="<|begin_of_text|>", logit_scale=1.5, merges=300),
    # Mistral-7B-v0.1's shape of config: theta 1e6 (v0.2+), sliding_window 4096 (longer than any fixture prompt).
    "mistral": dict(model_type="mistral", architectures=["MistralForCausalLM"], hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=1, rms_norm_eps=1e-5, rope_theta=1000000.0, sliding_window=4096,
                    max_position_embeddings=32768, tie_word_embeddings=False, hidden_act="silu",
                    specials=("</s>", "<s>"), bos="<s>", logit_scale=1.5, merges=300),
    # Gemma-2-2B's features at toy size: head_dim 16 with hidden 32 / 4 heads, local window 24 (prompts are longer).
    "gemma2": dict(model_type="gemma2", architectures=["Gemma2ForCausalLM"], hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                   num_attention_heads=4, num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=16, rms_norm_eps=1e-6,
                   rope_theta=10000.0, attn_logit_softcapping=50.0, final_logit_softcapping=30.0, sliding_window=24,
                   max_position_embeddings=8192, tie_word_embeddings=True, hidden_activation="gelu_pytorch_tanh",
                   specials=("<eos>", "<bos>", "<pad>"), bos="<bos>", pad="<pad>", logit_scale=12.0, merges=300),
    # bench:worker's Llama-style model, ~20.2M parameters: 5 x 2.36M (blocks) + 2 x 8192 x 512 (untied embeddings).
    "llama-20m": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=512, intermediate_size=1024, num_hidden_layers=5,
                      num_attention_heads=8, num_key_value_heads=4, rms_norm_eps=1e-5, rope_theta=500000.0, rope_scaling=LLAMA31_ROPE,
                      max_position_embeddings=131072, tie_word_embeddings=False, hidden_act="silu", vocab_size=8192,
                      specials=("<|end_of_text|>", "<|begin_of_text|>"), bos="<|begin_of_text|>", logit_scale=1.5, merges=4000),
}
GENERATOR_ONLY = ("specials", "bos", "pad", "logit_scale", "merges")
# A chat template of the real ones' shape (BOS, a header per turn, the assistant header last when asked), for the
# --apply-chat-template path. Its assistant header ends in ">" rather than Llama-3's "\n\n": this toy BPE would
# merge "\n\n" differently before a letter, and the letter method would rightly refuse it.
TOY_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] | trim }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def decoder_config_json(cfg, ids, with_past, half):
    config = {k: v for k, v in cfg.items() if k not in GENERATOR_ONLY}
    if config.get("head_dim") == config["hidden_size"] // config["num_attention_heads"] and config["model_type"] != "gemma2":
        del config["head_dim"]  # Llama / Mistral configs omit it when it is hidden / heads
    config.update(bos_token_id=ids[cfg["bos"]], eos_token_id=ids[cfg["specials"][0]], use_cache=with_past,
                  torch_dtype="float16" if half else "float32")
    if "pad" in cfg:
        config["pad_token_id"] = ids[cfg["pad"]]
    return config


def step_by_step(model, cfg, ids, half):
    """Logits of every prefix of `ids`, one token per forward through the KV cache; with half the cache and the
    logits are rounded to float16 between steps, as the float16 export hands them over."""
    d, kv = cfg["head_dim"], cfg["num_key_value_heads"]
    past = [(torch.zeros(1, kv, 0, d), torch.zeros(1, kv, 0, d)) for _ in range(cfg["num_hidden_layers"])]
    rows = []
    with torch.no_grad():
        for n, t in enumerate(ids):
            logits, past = model(torch.tensor([[t]]), torch.ones(1, n + 1, dtype=torch.int64), torch.tensor([[n]]), past)
            if half:
                logits = logits.half().float()
                past = [(k.half().float(), v.half().float()) for k, v in past]
            rows.append(logits[0, 0])
    return torch.stack(rows)


def check_decoder(model, cfg, encoder):
    """The cache path equals the full recomputation, and the sliding window really changes something when a
    fixture's prompts are longer than it (Gemma-2's local layers), so a worker ignoring it could not pass."""
    ids = encoder.encode(" ".join(["What is the capital of France? Paris, London, Berlin or Rome."] * 3), bos=encoder.special[cfg["bos"]])[:60]
    with torch.no_grad():
        t = torch.tensor([ids])
        full, _ = model(t, torch.ones_like(t), torch.arange(len(ids))[None, :], None)
    err = (step_by_step(model, cfg, ids, False) - full[0]).abs().max().item()
    assert err < 1e-4, f"KV cache path differs from full recomputation by {err}"
    if model.window is not None and model.window < len(ids):
        saved = model.window
        model.window = None
        with torch.no_grad():
            no_window, _ = model(t, torch.ones_like(t), torch.arange(len(ids))[None, :], None)
        model.window = saved
        assert (no_window - full).abs().max().item() > 1e-2, "the sliding window has no effect on a 60-token prompt"


def decoder_reference(model, cfg, encoder, half):
    bos = encoder.special[cfg["bos"]]
    texts = [
        "What is the capital of France?\nA. Paris\nB. London\nC. Berlin\nD. Rome\nAnswer: A\n\nWhat is 2 + 2?\nA. 3\nB. 4\nAnswer: B",
        "የፈረንሳይ ዋና ከተማ ማን ናት?",
        "Сколько будет 7 + 5?",
    ]
    # With a foreign tokenizer these ids are not its tokenisation (see ForeignTokenizer): not written as such.
    tokenization = [{"text": s, "ids": encoder.encode(s, bos=bos)} for s in texts]
    # The first sequence is longer than Gemma-2's local window, so the window shows in the reference too.
    sequences = [tokenization[0]["ids"][:40], tokenization[1]["ids"][:17]]
    logits = [[[round(float(v), 6) for v in row[:16]] for row in step_by_step(model, cfg, ids, half)] for ids in sequences]
    foreign = isinstance(encoder, ForeignTokenizer)
    return {"tokenization": [] if foreign else tokenization, "sequences": sequences, "logits_first16": logits, "stepwise": True, "half": half}


def write_decoder(out, cfg, model, tok_json, tok_config, encoder, with_past, half, opset):
    os.makedirs(out, exist_ok=True)
    config = decoder_config_json(cfg, encoder.special, with_past, half)
    for name, data in (("config.json", config), ("tokenizer.json", tok_json), ("tokenizer_config.json", tok_config)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1 if name != "tokenizer.json" else None)
            f.write("\n")
    export_cfg = {"n_layer": cfg["num_hidden_layers"]}
    export_onnx(model, export_cfg, os.path.join(out, "onnx", "model.onnx"), with_past, opset, cfg["num_key_value_heads"], cfg["head_dim"], half)
    with open(os.path.join(out, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(decoder_reference(model, cfg, encoder, half), f, ensure_ascii=False)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, x)) for d, _, xs in os.walk(out) for x in xs)
    params = sum(p.numel() for p in model.parameters())
    print(f"{out}: {cfg['model_type']}, {params:,} parameters, {size / 1024:.0f} KiB, past={'float16' if half else 'float32' if with_past else 'no'}")


class ForeignTokenizer:
    """A real tokenizer.json (--tokenizer-from) that Python cannot run here (no python3-tokenizers): its special ids
    are known, and `encode` gives seeded pseudo-random ids after the BOS — the torch reference checks the model's
    arithmetic over the real vocabulary size; the tokenisation itself is checked in TypeScript against the package."""

    def __init__(self, tok_json, tok_config):
        self.vocab = dict(tok_json["model"]["vocab"])
        for t in tok_json.get("added_tokens", []):
            self.vocab[t["content"]] = t["id"]
        self.special = {t["content"]: t["id"] for t in tok_json.get("added_tokens", []) if t.get("special")}
        self.size = max(self.vocab.values()) + 1

    def encode(self, text, bos=None):
        g = torch.Generator().manual_seed(sum(map(ord, text)) + len(text))
        ids = torch.randint(0, self.size, (max(8, len(text) // 3),), generator=g).tolist()
        return ([] if bos is None else [bos]) + ids


def read_foreign_tokenizer(cfg, folder):
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tok_json = json.load(f)
    with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_config = json.load(f)
    encoder = ForeignTokenizer(tok_json, tok_config)
    name = lambda v: v["content"] if isinstance(v, dict) else v
    cfg["bos"] = name(tok_config["bos_token"])
    cfg["specials"] = (name(tok_config["eos_token"]),)
    if tok_config.get("pad_token"):
        cfg["pad"] = name(tok_config["pad_token"])
    elif "pad" in cfg:
        del cfg["pad"]
    cfg["vocab_size"] = encoder.size
    return tok_json, tok_config, encoder


def build_decoder(arch, seed, tokenizer_from=None):
    cfg = dict(DECODERS[arch])
    cfg.setdefault("head_dim", cfg["hidden_size"] // cfg["num_attention_heads"])
    if tokenizer_from:
        tok_json, tok_config, encoder = read_foreign_tokenizer(cfg, tokenizer_from)
    else:
        tok_json, tok_config, encoder, _ = build_tokenizer(cfg["merges"], cfg["specials"], cfg["bos"])
        if "pad" in cfg:
            tok_config["pad_token"] = cfg["pad"]
        tok_config["model_max_length"] = cfg["max_position_embeddings"]
        tok_config["chat_template"] = TOY_CHAT_TEMPLATE
    cfg["vocab_size"] = encoder.size if tokenizer_from else max(cfg.get("vocab_size", 0), len(encoder.vocab) + len(encoder.special))
    model = TinyDecoder(cfg).eval()
    init_decoder_weights(model, seed, cfg["logit_scale"])
    check_decoder(model, cfg, encoder)
    return cfg, model, tok_json, tok_config, encoder


def write_decoder_fixtures(base, seed, opset):
    """Per family: with a float32 cache, with float16 past/present/logits, and without a cache (llama, gemma2);
    Mistral differs from Llama only in config (theta, window, GQA 4:1), so one cached export of it is enough."""
    for arch, variants in (("llama", ("", "-fp16", "-nocache")), ("mistral", ("",)), ("gemma2", ("", "-fp16", "-nocache"))):
        cfg, model, tok_json, tok_config, encoder = build_decoder(arch, seed)
        for v in variants:
            write_decoder(os.path.join(base, f"tiny-{arch}{v}"), cfg, model, tok_json, tok_config, encoder, v != "-nocache", v == "-fp16", opset)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="model folder to write (default: both fixtures in tests/fixtures/models/)")
    ap.add_argument("--preset", choices=sorted(PRESETS), default="tiny", help="GPT-2 sizes (with --arch gpt2)")
    ap.add_argument("--arch", choices=["gpt2", *sorted(DECODERS)], default="gpt2", help="with --out: the family (llama-20m: bench:worker's model)")
    ap.add_argument("--tokenizer-from", help="with --out and --arch llama/gemma2: use this folder's real tokenizer.json and tokenizer_config.json (vocabulary size from it)")
    ap.add_argument("--fp16", action="store_true", help="float16 past_key_values, present.* and logits (with --out, not gpt2)")
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
    if args.out and args.arch != "gpt2":
        cfg, model, tok_json, tok_config, encoder = build_decoder(args.arch, args.seed, args.tokenizer_from)
        write_decoder(args.out, cfg, model, tok_json, tok_config, encoder, not args.no_past, args.fp16, args.opset)
        return
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
        write_decoder_fixtures(base, args.seed, args.opset)


if __name__ == "__main__":
    main()
