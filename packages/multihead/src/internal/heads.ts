import { permute, reshape, type Tensor } from '@attnkit/tensor';

/** (batch, n, heads·d) -> (batch, heads, n, d): head h takes features [h·d, (h+1)·d). */
export function splitHeads(x: Tensor, numHeads: number): Tensor {
  const [batch, n, hiddens] = x.shape as [number, number, number];
  return permute(reshape(x, [batch, n, numHeads, hiddens / numHeads]), [0, 2, 1, 3]);
}

/** (batch, heads, n, d) -> (batch, n, heads·d), the inverse of {@link splitHeads}. */
export function mergeHeads(x: Tensor): Tensor {
  const [batch, heads, n, d] = x.shape as [number, number, number, number];
  return reshape(permute(x, [0, 2, 1, 3]), [batch, n, heads * d]);
}

/** (batch, heads, n, d) -> (batch·heads, n, d): row b·heads + h is batch b, head h (D2L's layout). */
export function foldHeads(x: Tensor): Tensor {
  const [batch, heads, n, d] = x.shape as [number, number, number, number];
  return reshape(x, [batch * heads, n, d]);
}
