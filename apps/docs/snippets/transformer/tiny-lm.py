# D2L trains its Transformer with d2l.Trainer; the same loop in plain PyTorch:
model = GPT(vocab_size=len(vocab), num_hiddens=32, num_heads=2, num_blks=1,
            ffn_num_hiddens=64, max_len=32)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(150):
    inputs, targets = next(batches)  # (8, 16) windows of the corpus
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, len(vocab)), targets.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
