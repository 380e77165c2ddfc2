import type { ProposalConfig } from '../config';
import { ModelConfigError } from '../models/model-error';
import type { ImageMeta } from '../structures';
import { graphSegmentation } from './graph-segmentation';
import { hierarchicalGrouping } from './hierarchical-grouping';
import { proposalsInInput, readProposalFile, type FileProposals } from './proposal-file';
import { slidingWindows } from './sliding-window';

/**
 * R-CNN's region proposals for a batch, computed on the CPU from the images' pixels (host
 * memory, no tape): each image's boxes, XYXY input pixels, flat 4·N. An image for which the
 * source has nothing (a file that does not list it) gets the whole-input box, so every image has
 * a region to score and to sample background from.
 */
export interface ProposalSource {
  readonly kind: ProposalConfig['source'];
  /**
   * @param pixels - the batch `[B, S, S, 3]` row-major (what `images.dataSync()` gives), read by 'segmentation'.
   * @param meta - the images' placements, needed by 'file' (proposals are stored per image id, in original pixels).
   */
  proposals(pixels: Float32Array, batchSize: number, meta: readonly ImageMeta[] | undefined): Float32Array[];
}

/** Segmentations kept (by image content): ~300 boxes of 16 bytes each, so ≈ 10 MB at most. */
const SEGMENTATION_CACHE_ENTRIES = 2048;

/**
 * The source `config.source` names, for square inputs of side `inputSize`.
 * @param readFile - read `config.file` now; false reads it on first use (a structure-only build never does).
 * @throws ModelConfigError naming the file and entry for a bad proposals file.
 */
export function createProposalSource(config: ProposalConfig, inputSize: number, readFile = true): ProposalSource {
  switch (config.source) {
    case 'sliding-window': {
      const windows = slidingWindows(inputSize, config.slidingWindow);
      return { kind: config.source, proposals: (_pixels, batchSize) => Array.from({ length: batchSize }, () => windows) };
    }
    case 'segmentation':
      return segmentationSource(config, inputSize);
    case 'file':
      return fileSource(config, inputSize, readFile);
  }
}

function segmentationSource(config: ProposalConfig, inputSize: number): ProposalSource {
  const cache = new Map<string, Float32Array>();
  const perImage = inputSize * inputSize * 3;
  const segment = (image: Float32Array): Float32Array => {
    // Keyed by content: an augmented (flipped, jittered) copy of an image is a new image.
    const key = contentKey(image);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const segmentation = graphSegmentation(image, inputSize, inputSize, 3, config.segmentation);
    const boxes = hierarchicalGrouping(segmentation, image, inputSize, inputSize, 3, { max: config.maxPerImage });
    if (cache.size >= SEGMENTATION_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, boxes);
    return boxes;
  };
  return {
    kind: 'segmentation',
    proposals: (pixels, batchSize) => Array.from({ length: batchSize }, (_, b) => segment(pixels.subarray(b * perImage, (b + 1) * perImage))),
  };
}

function fileSource(config: ProposalConfig, inputSize: number, readFile: boolean): ProposalSource {
  const path = config.file;
  if (path === undefined) throw new ModelConfigError('proposals.file', "is needed by proposals.source 'file'");
  let byImage: Map<number, FileProposals> | undefined = readFile ? readProposalFile(path) : undefined;
  const whole = Float32Array.of(0, 0, inputSize, inputSize);
  return {
    kind: 'file',
    proposals: (_pixels, batchSize, meta) => {
      if (meta === undefined || meta.length !== batchSize) throw new RangeError(`proposals.source 'file' needs the ImageMeta of each of the ${batchSize} images`);
      byImage ??= readProposalFile(path);
      const all = byImage;
      return meta.map((m) => {
        const boxes = proposalsInInput(all, m, inputSize, config.maxPerImage);
        return boxes.length > 0 ? boxes : whole;
      });
    },
  };
}

/** FNV-1a over the float bits of an image, with its length: a cache key, not a cryptographic hash. */
function contentKey(image: Float32Array): string {
  const words = new Uint32Array(image.buffer, image.byteOffset, image.length);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < words.length; i++) {
    h1 = Math.imul(h1 ^ words[i], 0x01000193);
    h2 = Math.imul(h2 ^ words[i], 0x5bd1e995) ^ (h2 >>> 13);
  }
  return `${words.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}
