import * as tf from '@tensorflow/tfjs-core';
import { BIFPN_FUSION_EPSILON } from '../../config';
import { ones, type Scope } from '../../nn';

/** BiFPN weighted feature fusion (EfficientDet §3.3). @defaultValue 'fast' */
export type FusionKind = 'fast' | 'softmax' | 'sum';

/**
 * Fuses same-shaped inputs I_i:
 * - 'fast':    Σ ReLU(w_i)/(ε + Σ_j ReLU(w_j)) · I_i, ε = 1e-4 (BIFPN_FUSION_EPSILON);
 * - 'softmax': Σ softmax(w)_i · I_i;
 * - 'sum':     Σ I_i (no weights; "BiFPN w/o weighted" of EfficientDet Table 5).
 * Variable `weight` `[n]` (ones) unless 'sum'.
 */
export class WeightedFusion {
  readonly weight?: tf.Variable;

  constructor(
    scope: Scope,
    readonly numInputs: number,
    readonly kind: FusionKind,
  ) {
    if (kind !== 'sum') this.weight = scope.param('weight', [numInputs], ones);
  }

  apply(inputs: tf.Tensor4D[]): tf.Tensor4D {
    if (inputs.length !== this.numInputs) throw new Error(`WeightedFusion: expected ${this.numInputs} inputs, got ${inputs.length}`);
    if (this.weight === undefined || inputs.length === 1) return inputs.length === 1 ? inputs[0] : tf.addN(inputs);
    const w = this.kind === 'fast' ? fastWeights(this.weight) : tf.softmax(this.weight);
    const scalars = tf.unstack(w);
    return tf.addN(inputs.map((x, i) => tf.mul(x, scalars[i]))) as tf.Tensor4D;
  }
}

/** ReLU(w) / (ε + Σ ReLU(w)). */
function fastWeights(w: tf.Tensor): tf.Tensor {
  const r = tf.relu(w);
  return tf.div(r, tf.add(tf.sum(r), BIFPN_FUSION_EPSILON));
}
