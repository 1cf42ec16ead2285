import {
  causalMask,
  combineMasks,
  fromKeyPaddingMask,
  invertMask,
  paddingMask,
  toAdditiveMask,
  toKeyPaddingMask,
} from '@attnkit/masking';
import { tensor } from '@attnkit/tensor';

export function main() {
  // attnkit: true = may attend (PyTorch scaled_dot_product_attention, Keras
  // attention_mask).
  // (batch 2, 1, keys 4): 2 and 3 valid keys
  const keep = paddingMask([2, 3], 4);
  console.log('keep', keep);

  // PyTorch nn.MultiheadAttention key_padding_mask: true = padding (blocked).
  console.log('key_padding_mask', toKeyPaddingMask(keep));
  const fromTorch = fromKeyPaddingMask(
    tensor([[false, false, true, true]], { dtype: 'bool' }),
  );
  console.log('from key_padding_mask', fromTorch);

  // Float masks are added to the scores: 0 = attend, −inf = blocked.
  console.log('additive', toAdditiveMask(causalMask(3)));

  // Masks combine by logical AND; invertMask flips the polarity (and the type).
  const decoder = combineMasks(keep, causalMask(4));
  return invertMask(decoder).shape;
}
// expect: key_padding_mask Tensor (2, 4) bool
// expect: [[false, false, true, true],
// expect: [0.0000, -inf, -inf],
// expect: [2,4,4]
