"""Builds a tiny argos-translate package in the test itself: a SentencePiece model trained
on a few lines and a one-layer CTranslate2 Transformer with random weights, packed in the
`.argosmodel` layout. Its output means nothing; it exercises the real loading and
translation path of argos-translate with no network."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

CORPUS = [
    "jeg kommer i morgen", "vi starter klokka sju", "husk arbeidstøy", "kassa er åpen", "takk for hjelpen",
    "hei", "ha det", "god morgen", "jeg er syk i dag", "bussen er sen",
]


def build(out: Path, from_code: str, to_code: str, version: str = "0.1", d: int = 8, ffn: int = 16) -> Path:
    import numpy as np  # these come with the translate extra
    import sentencepiece as spm
    from ctranslate2.specs import transformer_spec

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 5), model_writer=model, vocab_size=40,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False, minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    rng = np.random.default_rng(1)

    def layer_norm(spec):
        spec.gamma = np.ones(d, np.float32)
        spec.beta = np.zeros(d, np.float32)

    def linear(spec, rows, cols):
        spec.weight = (rng.standard_normal((rows, cols)) * 0.1).astype(np.float32)
        spec.bias = np.zeros(rows, np.float32)

    spec = transformer_spec.TransformerSpec.from_config(1, 2)
    for side in (spec.encoder, spec.decoder):
        embeddings = side.embeddings[0] if isinstance(side.embeddings, list) else side.embeddings
        embeddings.weight = (rng.standard_normal((len(vocab), d)) * 0.1).astype(np.float32)
        side.position_encodings.encodings = np.zeros((512, d), np.float32)
        layer_norm(side.layer_norm)
        for layer in side.layer:
            linear(layer.self_attention.linear[0], 3 * d, d)
            linear(layer.self_attention.linear[1], d, d)
            layer_norm(layer.self_attention.layer_norm)
            linear(layer.ffn.linear_0, ffn, d)
            linear(layer.ffn.linear_1, d, ffn)
            layer_norm(layer.ffn.layer_norm)
            if hasattr(layer, "attention"):
                linear(layer.attention.linear[0], d, d)
                linear(layer.attention.linear[1], 2 * d, d)
                linear(layer.attention.linear[2], d, d)
                layer_norm(layer.attention.layer_norm)
    linear(spec.decoder.projection, len(vocab), d)
    spec.decoder.projection.bias[vocab.index("</s>")] = 3.0  # stop soon: short output
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()

    work = Path(tempfile.mkdtemp(prefix="tiny-argos-"))
    folder = work / f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    (folder / "model").mkdir(parents=True)
    spec.save(str(folder / "model"))
    (folder / "sentencepiece.model").write_bytes(model.getvalue())
    (folder / "metadata.json").write_text(json.dumps({
        "package_version": version, "argos_version": "1.11", "type": "translate",
        "from_code": from_code, "from_name": from_code, "to_code": to_code, "to_name": to_code,
    }))
    with zipfile.ZipFile(out, "w") as archive:
        for file in folder.rglob("*"):
            archive.write(file, file.relative_to(work))
    return out
