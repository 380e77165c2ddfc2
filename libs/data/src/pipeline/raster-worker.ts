import { parentPort } from 'node:worker_threads';
import type { ImageMeta } from '@ablate/detection';
import type { PhotometricParams } from '../augment/augment-params';
import { rasteriseInput } from '../augment/rasterise-input';

/** A raster job: the source pixels (transferred) and how to place them. */
export interface RasterJob {
  id: number;
  width: number;
  height: number;
  data: Uint8Array;
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
    rasteriseInput({ width: job.width, height: job.height, data: job.data }, job.meta, job.inputSize, job.photometric, pixels, 0);
    const reply: RasterReply = { id: job.id, pixels };
    parentPort?.postMessage(reply, [pixels.buffer]);
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: (err as Error).message } satisfies RasterReply);
  }
});
