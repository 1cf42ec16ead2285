from safetensors.torch import load_file, save_file

# attnkit -> PyTorch: the keys are D2L's (W_q.weight, W_k.weight, W_v.weight, W_o.weight, ...)
attention = d2l.MultiHeadAttention(num_hiddens=8, num_heads=2, dropout=0, bias=True)
attention(torch.zeros(1, 1, 8), torch.zeros(1, 1, 8), torch.zeros(1, 1, 8), None)  # materialize LazyLinear
attention.load_state_dict(load_file('attention.safetensors'))

# PyTorch -> attnkit: save the state dict; parseSafetensors + loadStateDict on the other side
save_file(attention.state_dict(), 'attention.safetensors', metadata={'format': 'pt'})
