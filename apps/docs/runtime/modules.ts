// The modules a snippet can import: every published @attnkit package (as built).
import * as layers from '@attnkit/layers';
import * as masking from '@attnkit/masking';
import * as multihead from '@attnkit/multihead';
import * as plot from '@attnkit/plot';
import * as positional from '@attnkit/positional';
import * as scoring from '@attnkit/scoring';
import * as seq2seq from '@attnkit/seq2seq';
import * as tensor from '@attnkit/tensor';
import * as training from '@attnkit/training';
import * as transformer from '@attnkit/transformer';
import * as g2p from '../snippets/g2p.js';

export const MODULES: Readonly<Record<string, unknown>> = {
  '@attnkit/tensor': tensor,
  '@attnkit/layers': layers,
  '@attnkit/masking': masking,
  '@attnkit/scoring': scoring,
  '@attnkit/positional': positional,
  '@attnkit/multihead': multihead,
  '@attnkit/transformer': transformer,
  '@attnkit/training': training,
  '@attnkit/plot': plot,
  '@attnkit/seq2seq': seq2seq,
  '../g2p.js': g2p,
  '../g2p': g2p,
};
