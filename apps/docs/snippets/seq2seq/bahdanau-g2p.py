# D2L §10.4 (PyTorch): the same model and loop on the same data (src, tgt, src_valid_len, label).
class Seq2SeqAttentionDecoder(AttentionDecoder):
    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0):
        super().__init__()
        self.attention = d2l.AdditiveAttention(num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.LazyLinear(vocab_size)

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        X = self.embedding(X).permute(1, 0, 2)
        outputs, self._attention_weights = [], []
        for x in X:
            query = torch.unsqueeze(hidden_state[-1], dim=1)   # last layer's state
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            x = torch.cat((context, torch.unsqueeze(x, dim=1)), dim=-1)
            out, hidden_state = self.rnn(x.permute(1, 0, 2), hidden_state)
            outputs.append(out)
            self._attention_weights.append(self.attention.attention_weights)
        outputs = self.dense(torch.cat(outputs, dim=0))
        return outputs.permute(1, 0, 2), [enc_outputs, hidden_state, enc_valid_lens]

encoder = d2l.Seq2SeqEncoder(len(letters), embed_size=32, num_hiddens=64, num_layers=1)
decoder = Seq2SeqAttentionDecoder(len(phonemes), embed_size=32, num_hiddens=64, num_layers=1)
model = d2l.Seq2Seq(encoder, decoder, tgt_pad=phonemes['<pad>'], lr=1e-2)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step, (src, dec_input, src_valid_len, label) in zip(range(400), batches):
    loss = model.loss(model(src, dec_input, src_valid_len), label)  # CE over non-<pad> labels
    optimizer.zero_grad(); loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1); optimizer.step()
# D2L decodes greedily (predict_step) or with beam search (§10.8; no code in D2L).
