import * as tf from '@tensorflow/tfjs-core';

/** The tape controls of tfjs-core 4.22's Engine (private in its types, stable under the exact pin). */
interface TapeControl {
  startTape(): void;
  endTape(): void;
  state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
}

/**
 * `tf.variableGrads` for a loss computed by an async function: `loss` may `await` reads of tensor
 * values between its synchronous stretches of ops (a two-stage detector reads its RPN's scores to
 * pick proposals), which a GPU backend can only do asynchronously. The gradient tape stays on from
 * the call to the end: every kernel `loss` runs is recorded, and the backward pass runs over all of
 * them, as if `loss` had been one synchronous function.
 *
 * `loss` owns its tensors as a synchronous loss would: it runs its ops in `tf.tidy` stretches and
 * disposes what it keeps between them, except the returned scalar (and whatever it `tf.keep`s for
 * the caller). Kernels that other code runs while `loss` awaits are recorded too and dropped
 * unused; nothing of theirs is disposed.
 * @returns The loss and the gradient of each variable of `varList` it depends on, by variable name.
 */
export async function variableGradsAsync(loss: () => Promise<tf.Scalar>, varList: tf.Variable[]): Promise<{ value: tf.Scalar; grads: tf.NamedTensorMap }> {
  const engine = tf.engine() as unknown as TapeControl;
  engine.startTape();
  try {
    const value = await loss();
    // The tape is still on, so tfjs computes the gradient of `value` over every node recorded since
    // `startTape`; since our tape depth stays above zero it leaves the tape's saved tensors to us.
    return tf.variableGrads(() => value, varList);
  } finally {
    engine.endTape();
    if (engine.state.gradientDepth === 0 && engine.state.activeTape) {
      for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
      engine.state.activeTape = null;
    }
  }
}
