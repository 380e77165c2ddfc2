import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendCandidate, type BackendInfo, CANDIDATES, INSTALL_HINTS } from './backend-candidates';
import { BackendNotInitialisedError, BackendUnavailableError, InvalidBackendChoiceError } from './engine-errors';
import { assertPinnedCore, assertPinnedVersion } from './tfjs-pin';

/** Values of `ABLATE_BACKEND`. 'auto': tfjs-node-gpu, then webgpu on a hardware adapter, then tfjs-node, then wasm, then cpu. */
export type BackendChoice = keyof typeof CANDIDATES;
export const BACKEND_CHOICES = Object.keys(CANDIDATES) as BackendChoice[];

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /** Where the one line saying which backend was taken goes. @defaultValue `console.info` */
  log?: (line: string) => void;
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/** Parses a backend choice, naming the offending value when it is none of `BACKEND_CHOICES`. */
export function parseBackendChoice(value: string): BackendChoice {
  const choice = value.trim().toLowerCase();
  if (!(BACKEND_CHOICES as string[]).includes(choice)) throw new InvalidBackendChoiceError(value, BACKEND_CHOICES);
  return choice as BackendChoice;
}

/**
 * tfjs-core registers no gradients by itself; the `@tensorflow/tfjs` bundle registers all of them
 * in tfjs's global registry on load. Without them `tf.grads` fails with "gradient function not
 * found". Loaded once, lazily, so importing this library stays cheap.
 */
function registerGradients(): void {
  if (tf.getGradient('Conv2D') === undefined) createRequire(__filename)('@tensorflow/tfjs');
}

/**
 * Picks the TensorFlow.js backend once per process, makes it current, registers what training
 * needs (all gradients; for wasm, the convolution gradient kernels of `./wasm-kernels`), and logs
 * one line saying which backend it took and why it passed over the others.
 *
 * Cheap to call repeatedly: a second call with 'auto' or with the backend already in place
 * returns the same `BackendInfo` object. An explicit choice of another backend switches to it.
 * @param choice 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'. @defaultValue `process.env.ABLATE_BACKEND ?? 'auto'`
 * @throws InvalidBackendChoiceError for an unknown value; BackendUnavailableError when an explicit
 *   choice cannot load (saying which package is missing and how to install it). 'auto' fails only
 *   if even the cpu backend cannot load.
 */
export async function initBackend(
  choice: string = process.env.ABLATE_BACKEND ?? 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const wanted = parseBackendChoice(choice);
  while (pending) await pending.catch(() => undefined);
  if (current && (wanted === 'auto' || wanted === current.backend)) return current;
  pending = select(wanted, options.log ?? ((line) => console.info(line)));
  try {
    current = await pending;
    return current;
  } finally {
    pending = undefined;
  }
}

/** The backend `initBackend` chose: {backend, package, version, device, threads, simd, adapter}. */
export function backendInfo(): BackendInfo {
  if (!current) throw new BackendNotInitialisedError();
  return current;
}

async function select(choice: BackendChoice, log: (line: string) => void): Promise<BackendInfo> {
  assertPinnedCore();
  registerGradients();
  const passedOver: string[] = [];
  for (const candidate of CANDIDATES[choice] as readonly BackendCandidate[]) {
    let info: BackendInfo;
    try {
      info = Object.freeze(await candidate.activate());
    } catch (err) {
      passedOver.push(`${candidate.label}: ${(err as Error).message}`);
      continue;
    }
    // Outside the try: a wrong version is an error to fix, not a reason to fall back to a slower backend.
    assertPinnedVersion(info.package, info.version);
    log(describe(info, passedOver));
    return info;
  }
  throw new BackendUnavailableError(choice, passedOver, INSTALL_HINTS[choice]);
}

function describe(info: BackendInfo, passedOver: readonly string[]): string {
  const simd = info.simd === undefined ? '' : info.simd ? ', SIMD' : ', no SIMD';
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const adapter = info.adapter ? `: ${info.adapter.description || info.adapter.device}${info.adapter.software ? ', software' : ''}` : '';
  const took = `[engine] backend ${info.backend} (${info.package} ${info.version}, ${info.device}${adapter}, ${threads}${simd})`;
  return passedOver.length === 0 ? took : `${took}; passed over ${passedOver.join('; ')}`;
}
