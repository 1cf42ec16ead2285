"""Golden fixtures for @attnkit/seq2seq: D2L §10.4 (Bahdanau attention) and §10.7 (seq2seq encoder).

The D2L classes below are D2L's PyTorch code (d2l 1.0: ``d2l.GRU``, ``init_seq2seq``,
``Seq2SeqEncoder``, ``AdditiveAttention`` with ``nn.LazyLinear``, ``Seq2SeqAttentionDecoder``,
``EncoderDecoder``, ``predict_step``), copied line for line; the one change: ``EncoderDecoder.forward``
returns the decoder's ``(outputs, state)`` pair, as in D2L's earlier edition, so the state is checked too.

Writes packages/seq2seq/test/fixtures/seq2seq.json; keys are described in
packages/seq2seq/test/FIXTURES.md.

Regenerate: /usr/bin/python3 tools/golden/seq2seq.py
"""

from __future__ import annotations

import sys

import torch
from torch import nn

sys.dont_write_bytecode = True  # keep tools/golden free of __pycache__

from common import dump, masked_softmax, meta, state_dict

SEED = 0


# ---------------------------------------------------------------------------------------------
# D2L (PyTorch edition)
# ---------------------------------------------------------------------------------------------
class GRU(nn.Module):  # d2l.GRU (§10.3), a d2l.RNN whose rnn is nn.GRU
    """The multilayer GRU model."""

    def __init__(self, num_inputs, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.rnn = nn.GRU(num_inputs, num_hiddens, num_layers, dropout=dropout)

    def forward(self, inputs, H=None):
        return self.rnn(inputs, H)


def init_seq2seq(module):  # D2L §10.7
    """Initialize weights for sequence-to-sequence learning."""
    if type(module) == nn.Linear:
        nn.init.xavier_uniform_(module.weight)
    if type(module) == nn.GRU:
        for param in module._flat_weights_names:
            if "weight" in param:
                nn.init.xavier_uniform_(module._parameters[param])


class Seq2SeqEncoder(nn.Module):  # D2L §10.7 (d2l.Encoder)
    """The RNN encoder for sequence-to-sequence learning."""

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = GRU(embed_size, num_hiddens, num_layers, dropout)
        self.apply(init_seq2seq)

    def forward(self, X, *args):
        # X shape: (batch_size, num_steps)
        embs = self.embedding(X.t().type(torch.int64))
        # embs shape: (num_steps, batch_size, embed_size)
        outputs, state = self.rnn(embs)
        # outputs shape: (num_steps, batch_size, num_hiddens)
        # state shape: (num_layers, batch_size, num_hiddens)
        return outputs, state


class AdditiveAttention(nn.Module):  # D2L §11.3 (with LazyLinear, as in D2L)
    """Additive attention."""

    def __init__(self, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.LazyLinear(num_hiddens, bias=False)
        self.W_q = nn.LazyLinear(num_hiddens, bias=False)
        self.w_v = nn.LazyLinear(1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class Seq2SeqAttentionDecoder(nn.Module):  # D2L §10.4 (d2l.AttentionDecoder)
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.attention = AdditiveAttention(num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.LazyLinear(vocab_size)
        self.apply(init_seq2seq)

    def init_state(self, enc_outputs, enc_valid_lens):
        # Shape of outputs: (num_steps, batch_size, num_hiddens).
        # Shape of hidden_state: (num_layers, batch_size, num_hiddens)
        outputs, hidden_state = enc_outputs
        return (outputs.permute(1, 0, 2), hidden_state, enc_valid_lens)

    def forward(self, X, state):
        # Shape of enc_outputs: (batch_size, num_steps, num_hiddens).
        # Shape of hidden_state: (num_layers, batch_size, num_hiddens)
        enc_outputs, hidden_state, enc_valid_lens = state
        # Shape of the output X: (num_steps, batch_size, embed_size)
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            # Shape of query: (batch_size, 1, num_hiddens)
            query = torch.unsqueeze(hidden_state[-1], dim=1)
            # Shape of context: (batch_size, 1, num_hiddens)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            # Concatenate on the feature dimension
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            # Reshape x as (1, batch_size, embed_size + num_hiddens)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        # After fully connected layer transformation, shape of outputs:
        # (num_steps, batch_size, vocab_size)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]

    @property
    def attention_weights(self):
        return self._attention_weights


class EncoderDecoder(nn.Module):  # D2L §10.6
    """The base class for the encoder--decoder architecture."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, enc_X, dec_X, *args):
        enc_all_outputs = self.encoder(enc_X, *args)
        dec_state = self.decoder.init_state(enc_all_outputs, *args)
        return self.decoder(dec_X, dec_state)

    def predict_step(self, batch, num_steps, save_attention_weights=False):  # D2L §10.7.6
        src, tgt, src_valid_len, _ = batch
        enc_all_outputs = self.encoder(src, src_valid_len)
        dec_state = self.decoder.init_state(enc_all_outputs, src_valid_len)
        outputs, attention_weights = [tgt[:, (0)].unsqueeze(1)], []
        for _ in range(num_steps):
            Y, dec_state = self.decoder(outputs[-1], dec_state)
            outputs.append(Y.argmax(2))
            # Save attention weights (to be covered later)
            if save_attention_weights:
                attention_weights.append(self.decoder.attention_weights)
        return torch.cat(outputs[1:], 1), attention_weights


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
torch.manual_seed(SEED)
SRC_VOCAB, TGT_VOCAB, EMBED, HIDDENS, LAYERS = 10, 12, 6, 8, 2
BATCH, SRC_LEN, TGT_LEN = 4, 7, 5

encoder = Seq2SeqEncoder(SRC_VOCAB, EMBED, HIDDENS, LAYERS)
decoder = Seq2SeqAttentionDecoder(TGT_VOCAB, EMBED, HIDDENS, LAYERS)
model = EncoderDecoder(encoder, decoder)
model.eval()

src = torch.randint(0, SRC_VOCAB, (BATCH, SRC_LEN))
tgt = torch.randint(0, TGT_VOCAB, (BATCH, TGT_LEN))
tgt[:, 0] = 1  # <bos>: predict_step starts from tgt[:, 0]
valid_lens = torch.tensor([7, 3, 5, 1])

# D2L §10.4's shape check first (materialises the lazy layers), then the recorded run.
enc_outputs, enc_state = encoder(src)
logits, state = model(src, tgt, valid_lens)
assert logits.shape == (BATCH, TGT_LEN, TGT_VOCAB)
forward_attention = torch.stack([w.detach() for w in decoder.attention_weights])
R = torch.randn(logits.shape)
R_state = torch.randn(state[1].shape)
model.zero_grad()
((logits * R).sum() + (state[1] * R_state).sum()).backward()
grads = {k: p.grad.clone() for k, p in model.named_parameters()}

with torch.no_grad():
    pred, pred_attention = model.predict_step((src, tgt, valid_lens, None), num_steps=6, save_attention_weights=True)

fixture = {
    "meta": meta("seq2seq.py", SEED),
    "sizes": {
        "srcVocab": SRC_VOCAB,
        "tgtVocab": TGT_VOCAB,
        "embedSize": EMBED,
        "numHiddens": HIDDENS,
        "numLayers": LAYERS,
    },
    "stateDict": state_dict(model),
    "stateKeys": list(model.state_dict().keys()),
    "src": src,
    "tgt": tgt,
    "validLens": valid_lens,
    "encoder": {"outputs": enc_outputs.detach(), "state": enc_state.detach()},
    "logits": logits.detach(),
    "hiddenState": state[1].detach(),
    "attentionWeights": forward_attention,
    "R": R,
    "R_state": R_state,
    "grads": grads,
    "predict": {
        "numSteps": 6,
        "bos": 1,
        "tokens": pred,
        # Attention of every step (batch, 1, srcLen), stacked: (numSteps, batch, 1, srcLen).
        "attention": torch.stack([w[0] for w in pred_attention]),
    },
}
dump("packages/seq2seq/test/fixtures/seq2seq.json", fixture)
