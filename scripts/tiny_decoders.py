"""Llama/Mistral-style and Gemma-2-style decoders in plain torch, written after Hugging Face transformers'
modeling_llama.py, modeling_mistral.py and modeling_gemma2.py (eager attention), for make-tiny-model.py.

There is no python3-transformers in Debian, so the architectures are re-stated here from the transformers source,
feature by feature, and named after it:
  Llama / Mistral: RoPE (rope_theta; Llama-3.1's "llama3" rope_scaling), RMSNorm (weight * x / rms), SwiGLU MLP
                   (down(silu(gate(x)) * up(x))), grouped-query attention (num_key_value_heads < num_attention_heads,
                   repeat_kv), untied lm_head, Mistral's sliding_window (keys at distance >= window are masked).
  Gemma-2:         explicit head_dim != hidden/heads, embeddings scaled by sqrt(hidden) and tied to the output,
                   RMSNorm as x / rms * (1 + weight), pre- and post-norms around attention and MLP, gelu_tanh GLU,
                   attention scaled by query_pre_attn_scalar ** -0.5 with tanh soft-capping, final logit soft-capping,
                   local (sliding window) attention on even layers and global attention on odd ones.
The mask follows transformers: causal over cache slots (past + new), padding from attention_mask, and the sliding
window measured in cache slots. Every tensor is float32; a "float16" export only changes the dtype of its
past_key_values / present / logits tensors (see make-tiny-model.py).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RmsNorm(nn.Module):
    def __init__(self, dim, eps, gemma):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps
        self.gemma = gemma  # Gemma stores (scale - 1): it multiplies by (1 + weight)

    def forward(self, x):
        y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return y * (1.0 + self.weight) if self.gemma else y * self.weight


def rope_inv_freq(cfg):
    """transformers' _compute_default_rope_parameters, then _compute_llama3_parameters when rope_scaling asks."""
    dim = cfg["head_dim"]
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = cfg.get("rope_scaling")
    if scaling and scaling.get("rope_type") == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    elif scaling:
        raise SystemExit(f"rope_scaling {scaling} is not generated here")
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg, sliding_window):
        super().__init__()
        h, d = cfg["num_attention_heads"], cfg["head_dim"]
        kv = cfg["num_key_value_heads"]
        self.n_head, self.n_kv, self.head_dim = h, kv, d
        self.q_proj = nn.Linear(cfg["hidden_size"], h * d, bias=False)
        self.k_proj = nn.Linear(cfg["hidden_size"], kv * d, bias=False)
        self.v_proj = nn.Linear(cfg["hidden_size"], kv * d, bias=False)
        self.o_proj = nn.Linear(h * d, cfg["hidden_size"], bias=False)
        self.scale = cfg.get("query_pre_attn_scalar", d) ** -0.5
        self.softcap = cfg.get("attn_logit_softcapping")
        self.sliding_window = sliding_window

    def split(self, t, heads):  # [B, S, heads*D] -> [B, heads, S, D]
        return t.reshape(t.shape[0], t.shape[1], heads, self.head_dim).transpose(1, 2)

    def repeat_kv(self, t):  # transformers' repeat_kv: each kv head serves n_head / n_kv consecutive query heads
        rep = self.n_head // self.n_kv
        if rep == 1:
            return t
        b, _, s, d = t.shape
        return t[:, :, None, :, :].expand(b, self.n_kv, rep, s, d).reshape(b, self.n_kv * rep, s, d)

    def forward(self, x, cos, sin, bias, local_bias, past_k, past_v):
        q = self.split(self.q_proj(x), self.n_head)
        k = self.split(self.k_proj(x), self.n_kv)
        v = self.split(self.v_proj(x), self.n_kv)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = torch.matmul(q, self.repeat_kv(k).transpose(-1, -2)) * self.scale
        if self.softcap is not None:
            att = torch.tanh(att / self.softcap) * self.softcap
        att = att + (local_bias if self.sliding_window is not None else bias)
        y = torch.matmul(torch.softmax(att, dim=-1), self.repeat_kv(v))
        y = y.transpose(1, 2).reshape(x.shape[0], x.shape[1], self.n_head * self.head_dim)
        return self.o_proj(y), k, v


class Mlp(nn.Module):
    def __init__(self, cfg, act):
        super().__init__()
        self.gate_proj = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"], bias=False)
        self.act = act

    def forward(self, x):
        return self.down_proj(self.act(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, cfg, index, gemma):
        super().__init__()
        eps = cfg["rms_norm_eps"]
        self.gemma = gemma
        if gemma:
            window = cfg["sliding_window"] if index % 2 == 0 else None  # Gemma-2: even layers local, odd global
        else:
            window = cfg.get("sliding_window")  # Mistral: every layer; Llama: none
        self.self_attn = Attention(cfg, window)
        self.mlp = Mlp(cfg, (lambda t: F.gelu(t, approximate="tanh")) if gemma else F.silu)
        self.input_layernorm = RmsNorm(cfg["hidden_size"], eps, gemma)
        self.post_attention_layernorm = RmsNorm(cfg["hidden_size"], eps, gemma)
        if gemma:
            self.pre_feedforward_layernorm = RmsNorm(cfg["hidden_size"], eps, gemma)
            self.post_feedforward_layernorm = RmsNorm(cfg["hidden_size"], eps, gemma)

    def forward(self, x, cos, sin, bias, local_bias, past_k, past_v):
        a, k, v = self.self_attn(self.input_layernorm(x), cos, sin, bias, local_bias, past_k, past_v)
        if self.gemma:
            x = x + self.post_attention_layernorm(a)
            x = x + self.post_feedforward_layernorm(self.mlp(self.pre_feedforward_layernorm(x)))
        else:
            x = x + a
            x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v


class TinyDecoder(nn.Module):
    """forward(input_ids, attention_mask, position_ids, past) -> (logits, presents); the GPT-2 model's signature."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.gemma = cfg["model_type"] == "gemma2"
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(Layer(cfg, i, self.gemma) for i in range(cfg["num_hidden_layers"]))
        self.norm = RmsNorm(cfg["hidden_size"], cfg["rms_norm_eps"], self.gemma)
        if not cfg["tie_word_embeddings"]:
            self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)
        self.register_buffer("inv_freq", rope_inv_freq(cfg), persistent=False)
        windows = {layer.self_attn.sliding_window for layer in self.layers} - {None}
        self.window = windows.pop() if windows else None

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        seq = input_ids.shape[1]
        total = attention_mask.shape[1]
        key_pos = torch.arange(total)
        query_pos = torch.arange(seq) + (total - seq)
        allowed = (key_pos[None, :] <= query_pos[:, None])[None, :, :] & (attention_mask[:, None, :] > 0)
        zero = torch.tensor(0.0, dtype=torch.float32)
        blocked = torch.tensor(torch.finfo(torch.float32).min, dtype=torch.float32)
        bias = torch.where(allowed, zero, blocked)[:, None, :, :]
        local_bias = bias
        if self.window is not None:
            near = (query_pos[:, None] - key_pos[None, :]) < self.window
            local_bias = torch.where(allowed & near[None, :, :], zero, blocked)[:, None, :, :]

        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None, :, :], emb.sin()[:, None, :, :]

        x = self.embed_tokens(input_ids)
        if self.gemma:
            x = x * torch.tensor(self.cfg["hidden_size"] ** 0.5, dtype=torch.float32)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v = layer(x, cos, sin, bias, local_bias, pk, pv)
            presents.append((k, v))
        x = self.norm(x)
        logits = F.linear(x, self.embed_tokens.weight) if self.cfg["tie_word_embeddings"] else self.lm_head(x)
        cap = self.cfg.get("final_logit_softcapping")
        if cap is not None:
            logits = torch.tanh(logits / cap) * cap
        return logits, presents


def init_decoder_weights(model, seed, logit_scale):
    """Seeded random weights, large enough that a wrong position, mask or cache shows far above 1e-5 (see the GPT-2
    init_weights); `logit_scale` widens the output embedding so Gemma's final soft-cap bends the logits visibly."""
    g = torch.Generator().manual_seed(seed)
    gemma = model.gemma
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layernorm.weight") or name == "norm.weight":
                p.copy_((0.0 if gemma else 1.0) + torch.randn(p.shape, generator=g) * 0.1)
            elif name.startswith("embed_tokens"):
                p.copy_(torch.randn(p.shape, generator=g) * (logit_scale / math.sqrt(p.shape[1])))
            elif name.startswith("lm_head"):
                p.copy_(torch.randn(p.shape, generator=g) * (logit_scale / math.sqrt(p.shape[1])))
            else:
                p.copy_(torch.randn(p.shape, generator=g) * (1.2 / math.sqrt(p.shape[1])))
