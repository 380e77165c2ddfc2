import { parentPort } from 'node:worker_threads';
import type { ImageMeta } from '@ablate/detection';
import type { PhotometricParams } from '../augment/augment-params';
import { rasteriseInput } from '../augment/rasterise-input';
import type { RgbImage } from '../dataset/dataset';
import { renderSynthetic } from '../synthetic/render';
import type { SyntheticImageSpec } from '../synthetic/synthetic-spec';

/**
 * A raster job: the source — decoded pixels (transferred) or a synthetic image to render here —
 * and how to place it in the input.
 */
export interface RasterJob {
  id: number;
  source: { pixels: RgbImage } | { synthetic: SyntheticImageSpec };
  meta: ImageMeta;
  inputSize: number;
  photometric?: PhotometricParams;
}

/** The reply: the `[S, S, 3]` normalised input (transferred back). */
export interface RasterReply {
  id: number;
  pixels?: Float32Array;
  error?: string;
}

// Runs inside a worker thread started by RasterPool (through raster-worker.js, which loads SWC).
parentPort?.on('message', (job: RasterJob) => {
  try {
    const pixels = new Float32Array(job.inputSize * job.inputSize * 3);
    const src = 'pixels' in job.source ? job.source.pixels : renderSynthetic(job.source.synthetic);
    rasteriseInput(src, job.meta, job.inputSize, job.photometric, pixels, 0);
    const reply: RasterReply = { id: job.id, pixels };
    parentPort?.postMessage(reply, [pixels.buffer]);
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: (err as Error).message } satisfies RasterReply);
  }
});
