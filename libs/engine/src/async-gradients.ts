import * as tf from '@tensorflow/tfjs-core';

/** A node of tfjs-core's gradient tape; only its saved tensors matter here. */
type TapeNode = { saved?: tf.Tensor[] };

/** The tape controls of tfjs-core 4.22's Engine (private in its types, stable under the exact pin). */
interface TapeControl {
  startTape(): void;
  endTape(): void;
  state: { gradientDepth: number; activeTape: TapeNode[] | null };
}

/**
 * `tf.variableGrads` for a loss computed by an async function: `loss` may `await` reads of tensor
 * values between its synchronous stretches of ops (a two-stage detector reads its RPN's scores to
 * pick proposals), which a GPU backend can only do asynchronously. The gradient tape is on from the
 * call until `loss` resolves, so every kernel `loss` runs is recorded; the backward pass then runs
 * over all of them, with the tape off, exactly as `tf.variableGrads` of a synchronous loss.
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
  let value: tf.Scalar;
  try {
    value = await loss();
  } catch (err) {
    engine.endTape();
    dropTape(engine);
    throw err;
  }
  const tape = engine.state.activeTape;
  engine.endTape();
  // Inside another gradient (a higher-order one): tfjs keeps its tape going; nothing to hand over.
  if (engine.state.gradientDepth > 0) return tf.variableGrads(() => value, varList);
  // tfjs's gradients() opens its tape at depth 0, which starts an empty one: give it ours instead.
  // It then runs the backward pass with the tape off and frees the tape's saved tensors, as always.
  const startTape = engine.startTape;
  engine.startTape = () => {
    startTape.call(engine);
    engine.state.activeTape = tape;
  };
  try {
    return tf.variableGrads(() => value, varList);
  } catch (err) {
    dropTape(engine);
    throw err;
  } finally {
    engine.startTape = startTape;
  }
}

/** Frees the saved tensors of a tape no backward pass will read (the outermost tape only). */
function dropTape(engine: TapeControl): void {
  if (engine.state.gradientDepth !== 0 || !engine.state.activeTape) return;
  for (const node of engine.state.activeTape) for (const t of node.saved ?? []) t.dispose();
  engine.state.activeTape = null;
}
