# D2L §11.6.3.2 states the property; checked numerically:
import math, torch
d, P = 32, pos_encoding.P[0, :60, :]
def rotation(delta, d):
    R = torch.zeros(d, d)
    for j in range(d // 2):
        w = delta / 10000 ** (2 * j / d)
        R[2*j:2*j+2, 2*j:2*j+2] = torch.tensor([[math.cos(w), -math.sin(w)],
                                                [math.sin(w),  math.cos(w)]])
    return R
for delta in (1, 3, 10):
    err = (P[:60-delta] @ rotation(delta, d) - P[delta:]).abs().max()
    print(delta, err)
