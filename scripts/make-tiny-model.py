#!/usr/bin/env python3
"""Generates the tiny embedding model committed in tests/fixtures/tiny-model/.

It proves the plumbing of dense retrieval (load a model folder through fastembed's
user-defined model API → embed → index → fuse with keyword results) in tests that run
offline. It is NOT a quality model: every character gets a fixed vector (a seeded
random part plus hand-picked "concept" directions), the ONNX graph is a single Gather,
and fastembed mean-pools and L2-normalises the token vectors. Texts that share
characters, or characters of the same concept, end up close.

The concepts are chosen so that one question with no keyword in common with its FAQ
(「病院代が高すぎて払えない」 → the 高額療養費 entry of tests/fixtures/kb) is found only
by the dense retriever.

Regenerate (needs the PyPI packages onnx, tokenizers and numpy; tests do not):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnx tokenizers numpy
    /tmp/venv/bin/python scripts/make-tiny-model.py
"""

import hashlib
import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "tiny-model"
DIM = 16
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]

# Hand-made "meanings": characters of one concept share a direction.
CONCEPTS = [
    "病院医療費代額払戻",  # what medical care costs, and getting money back
    "子児童供手当支給",  # children and child allowances
    "紛失落無失",  # losing something
]


def characters() -> list:
    """Hiragana, katakana, ASCII and every other character of the fixture knowledge."""
    chars = set(chr(c) for c in range(0x3041, 0x3097))
    chars |= set(chr(c) for c in range(0x30A1, 0x30FB)) | {"ー"}
    chars |= set(chr(c) for c in range(0x21, 0x7F))
    for path in sorted((ROOT / "tests" / "fixtures" / "kb").rglob("*.toml")):
        chars |= set(path.read_text(encoding="utf-8"))
    for group in CONCEPTS:
        chars |= set(group)
    return sorted(c for c in chars if not c.isspace())


def vector(ch: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(ch.encode("utf-8")).digest()[:4], "little")
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    v *= 0.35 / np.linalg.norm(v)
    for i, group in enumerate(CONCEPTS):
        if ch in group:
            v[i] += 1.0
    return v


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    vocab = {tok: i for i, tok in enumerate(SPECIAL)}
    for ch in characters():
        vocab.setdefault(ch.lower(), len(vocab))

    table = np.zeros((len(vocab), DIM), dtype=np.float32)
    for tok, i in vocab.items():
        if tok not in SPECIAL:
            table[i] = vector(tok)

    ints = lambda name: helper.make_tensor_value_info(name, TensorProto.INT64, ["b", "s"])
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"], axis=0)],
        "madoguchi_tiny_model",
        [ints("input_ids"), ints("attention_mask"), ints("token_type_ids")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["b", "s", DIM])],
        [numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, OUT / "model.onnx")

    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex("."), "isolated")]
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tok.save(str(OUT / "tokenizer.json"))

    write = lambda name, obj: (OUT / name).write_text(
        json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    write("config.json", {"model_type": "madoguchi-tiny", "hidden_size": DIM, "pad_token_id": 0})
    write(
        "special_tokens_map.json",
        {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]"},
    )
    write("tokenizer_config.json", {"model_max_length": 128, "pad_token": "[PAD]"})
    (OUT / "madoguchi-model.toml").write_text(
        "# How madoguchi uses this model folder (see src/retrieve/dense/model.rs).\n"
        'name = "madoguchi-tiny-fixture"\n'
        f"dim = {DIM}\n"
        'pooling = "mean"\n'
        'query_prefix = ""\n'
        'passage_prefix = ""\n'
        "# Unrelated fixture texts sit below 0.6; the intended neighbour is above 0.9.\n"
        "similarity_floor = 0.6\n"
        "similarity_full = 0.95\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT} ({len(vocab)} tokens, dim {DIM})")


if __name__ == "__main__":
    main()
