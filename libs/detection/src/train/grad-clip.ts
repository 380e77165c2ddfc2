import * as tf from '@tensorflow/tfjs-core';

/**
 * Clips gradients by their global norm ‖g‖ = √(Σ_i ‖g_i‖²), as `torch.nn.utils.clip_grad_norm_`:
 * when ‖g‖ > maxNorm every gradient is scaled by maxNorm / (‖g‖ + 1e-6); otherwise they are
 * returned unchanged. Returns the new gradients (the caller disposes both maps) and the norm
 * before clipping.
 */
export async function clipByGlobalNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): Promise<{ grads: Map<string, tf.Tensor>; norm: number }> {
  const norm = await globalNorm(grads);
  const out = new Map<string, tf.Tensor>();
  // A non-finite norm is left alone: the trainer stops on the non-finite loss first.
  const factor = norm > maxNorm && Number.isFinite(norm) ? maxNorm / (norm + 1e-6) : 1;
  for (const [k, g] of grads) out.set(k, factor === 1 ? tf.clone(g) : tf.tidy(() => tf.mul(g, factor)));
  return { grads: out, norm };
}

/** √(Σ_i ‖g_i‖²) over all tensors of `grads`, read back (asynchronously: a GPU reads no other way) as a number. */
export async function globalNorm(grads: Map<string, tf.Tensor>): Promise<number> {
  if (grads.size === 0) return 0;
  const sq = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
  try {
    return Math.sqrt((await sq.data())[0]!);
  } finally {
    sq.dispose();
  }
}
