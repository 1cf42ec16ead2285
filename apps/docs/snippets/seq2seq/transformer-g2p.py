# D2L §11.7 (PyTorch): TransformerEncoder + TransformerDecoder in d2l.Seq2Seq, same data and loop.
encoder = TransformerEncoder(len(letters), num_hiddens=64, ffn_num_hiddens=128,
                             num_heads=4, num_blks=2, dropout=0)
decoder = TransformerDecoder(len(phonemes), num_hiddens=64, ffn_num_hiddens=128,
                             num_heads=4, num_blks=2, dropout=0)
model = d2l.Seq2Seq(encoder, decoder, tgt_pad=phonemes['<pad>'], lr=3e-3)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for step, (src, dec_input, src_valid_len, label) in zip(range(400), batches):
    loss = model.loss(model(src, dec_input, src_valid_len), label)  # CE over non-<pad> labels
    optimizer.zero_grad(); loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1); optimizer.step()
# Prediction: D2L's predict_step feeds one token at a time and keeps each block's inputs in
# state[2] (re-projected every step); it also adds position 0's encoding to every new token.
model.eval()
preds, attention_weights = model.predict_step(batch, device, num_steps=16, save_attention_weights=True)
