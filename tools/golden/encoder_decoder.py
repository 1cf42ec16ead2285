"""Golden fixtures for @attnkit/transformer's `Transformer`: D2L §11.7 TransformerEncoder,
TransformerDecoder and EncoderDecoder (with D2L's Seq2Seq masked loss, §10.7).

Writes packages/transformer/test/fixtures/encoder-decoder.json; keys are described in
packages/transformer/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/encoder_decoder.py
"""

from __future__ import annotations

import math
import sys

import torch
from torch import nn
from torch.nn import functional as F

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import (
    PositionalEncoding,
    TransformerDecoderBlock,
    TransformerEncoderBlock,
    dump,
    meta,
    state_dict,
)

SEED = 0
torch.manual_seed(SEED)


class TransformerEncoder(nn.Module):  # D2L §11.7.4
    """The Transformer encoder."""

    def __init__(self, vocab_size, num_hiddens, ffn_num_hiddens, num_heads, num_blks, dropout, use_bias=False):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_blks):
            self.blks.add_module(
                "block" + str(i), TransformerEncoderBlock(num_hiddens, ffn_num_hiddens, num_heads, dropout, use_bias)
            )

    def forward(self, X, valid_lens):
        # Since positional encoding values are between -1 and 1, the embedding
        # values are multiplied by the square root of the embedding dimension
        # to rescale before they are summed up
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self.attention_weights = [None] * len(self.blks)
        for i, blk in enumerate(self.blks):
            X = blk(X, valid_lens)
            self.attention_weights[i] = blk.attention.attention.attention_weights
        return X


class TransformerDecoder(nn.Module):  # D2L §11.7.5
    def __init__(self, vocab_size, num_hiddens, ffn_num_hiddens, num_heads, num_blks, dropout):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.num_blks = num_blks
        self.embedding = nn.Embedding(vocab_size, num_hiddens)
        self.pos_encoding = PositionalEncoding(num_hiddens, dropout)
        self.blks = nn.Sequential()
        for i in range(num_blks):
            self.blks.add_module(
                "block" + str(i), TransformerDecoderBlock(num_hiddens, ffn_num_hiddens, num_heads, dropout, i)
            )
        self.dense = nn.Linear(num_hiddens, vocab_size)  # D2L: nn.LazyLinear(vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens):
        return [enc_outputs, enc_valid_lens, [None] * self.num_blks]

    def forward(self, X, state):
        X = self.pos_encoding(self.embedding(X) * math.sqrt(self.num_hiddens))
        self._attention_weights = [[None] * len(self.blks) for _ in range(2)]
        for i, blk in enumerate(self.blks):
            X, state = blk(X, state)
            # Decoder self-attention weights
            self._attention_weights[0][i] = blk.attention1.attention.attention_weights
            # Encoder-decoder attention weights
            self._attention_weights[1][i] = blk.attention2.attention.attention_weights
        return self.dense(X), state


class EncoderDecoder(nn.Module):  # D2L §10.6.3 (forward), §10.7 Seq2Seq.loss
    def __init__(self, encoder, decoder, tgt_pad):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.tgt_pad = tgt_pad

    def forward(self, enc_X, dec_X, *args):
        enc_all_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        # Return decoder output only
        return self.decoder(dec_X, dec_state)[0]

    def loss(self, Y_hat, Y):  # d2l.Seq2Seq.loss over d2l.Classifier.loss(averaged=False)
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = Y.reshape((-1,))
        l = F.cross_entropy(Y_hat, Y, reduction="none")
        mask = (Y.reshape(-1) != self.tgt_pad).type(torch.float32)
        return (l * mask).sum() / mask.sum()


def randomize_layer_norms_(module):
    """LayerNorm starts at weight 1, bias 0; random values make the fixture test the affine part."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))


src_vocab, tgt_vocab, pad = 10, 12, 0
num_hiddens, ffn_num_hiddens, num_heads, num_blks = 16, 24, 4, 2
encoder = TransformerEncoder(src_vocab, num_hiddens, ffn_num_hiddens, num_heads, num_blks, 0)
decoder = TransformerDecoder(tgt_vocab, num_hiddens, ffn_num_hiddens, num_heads, num_blks, 0)
model = EncoderDecoder(encoder, decoder, pad)
randomize_layer_norms_(model)
model.train()  # D2L trains with the causal dec_valid_lens of training mode; dropout is 0

# A padded batch as D2L's seq2seq data: source padded after its valid length, the decoder input
# starts with <bos> = 1, the label is the target shifted by one and padded with <pad> = 0.
enc_X = torch.tensor([[3, 4, 5, 6, 2], [7, 8, 2, 0, 0]])
valid_lens = torch.tensor([5, 3])
dec_X = torch.tensor([[1, 5, 6, 7], [1, 9, 10, 0]])
Y = torch.tensor([[5, 6, 7, 2], [9, 10, 2, 0]])

Y_hat = model(enc_X, dec_X, valid_lens)
loss = model.loss(Y_hat, Y)
model.zero_grad()
loss.backward()
named = dict(model.named_parameters())
grad_keys = [
    "encoder.embedding.weight",
    "encoder.blks.block0.attention.W_q.weight",
    "decoder.blks.block1.attention2.W_k.weight",
    "decoder.blks.block0.ffn.dense1.bias",
    "decoder.dense.weight",
]
dump(
    "packages/transformer/test/fixtures/encoder-decoder.json",
    {
        "meta": meta("encoder_decoder.py", SEED, description="See packages/transformer/test/FIXTURES.md."),
        "config": {
            "srcVocabSize": src_vocab,
            "tgtVocabSize": tgt_vocab,
            "numHiddens": num_hiddens,
            "ffnNumHiddens": ffn_num_hiddens,
            "numHeads": num_heads,
            "numBlks": num_blks,
            "pad": pad,
        },
        "stateDict": state_dict(model),
        "encX": enc_X.to(torch.int32),
        "validLens": valid_lens.to(torch.int32),
        "decX": dec_X.to(torch.int32),
        "Y": Y.to(torch.int32),
        "logits": Y_hat.detach(),
        "loss": loss.detach(),
        "crossAttention": decoder._attention_weights[1][num_blks - 1].detach(),
        "grads": {k: named[k].grad.clone() for k in grad_keys},
    },
)
