import type { CocoAnnotation } from '@ablate/detection';
import type { Dataset, DatasetImage } from '../dataset/dataset';
import { cocoAnnotationsOf, imageFileName } from '../convert/to-coco';
import { encodePng, loadImagePixels } from '../image/decode';
import { loadDataset } from '../uri/load-dataset';

/** One image of a dataset as a listing shows it. */
export interface ImageSummary {
  id: number;
  fileName: string;
  width: number;
  height: number;
  groundTruthBoxes: number;
}

export function imageSummary(img: DatasetImage): ImageSummary {
  return { id: img.id, fileName: imageFileName(img), width: img.width, height: img.height, groundTruthBoxes: img.labels.length };
}

/** The image of id `imageId`, or undefined. */
export function findImage(dataset: Dataset, imageId: number): DatasetImage | undefined {
  return dataset.images.find((img) => img.id === imageId);
}

/** The image as PNG bytes: rendered (synthetic) or decoded from its file under the data root. */
export async function imagePng(img: DatasetImage): Promise<Buffer> {
  return encodePng(await loadImagePixels(img));
}

/** One ground-truth object as a COCO annotation, without its ids (ids number a whole file, not an image). */
export interface GroundTruthObject {
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
  difficult?: boolean;
  /** Compressed RLE at the image's size, when the dataset has masks. */
  segmentation?: { size: [number, number]; counts: string };
  /** COCO (x, y, v)·K, when the dataset has keypoints (person_keypoints, synthetic:people). */
  keypoints?: number[];
  num_keypoints?: number;
}

/** An image's ground truth, as the evaluator sees it (toCocoGroundTruth). */
export function imageGroundTruth(dataset: Dataset, img: DatasetImage): GroundTruthObject[] {
  return cocoAnnotationsOf(dataset, img).map((a: CocoAnnotation) => ({
    category_id: a.category_id,
    bbox: a.bbox,
    area: a.area,
    iscrowd: a.iscrowd ?? 0,
    ...(a.difficult ? { difficult: true } : {}),
    ...(a.segmentation ? { segmentation: a.segmentation as GroundTruthObject['segmentation'] } : {}),
    ...(a.keypoints ? { keypoints: a.keypoints, num_keypoints: a.num_keypoints ?? 0 } : {}),
  }));
}

/**
 * Datasets loaded for browsing, the last `capacity` kept: a page of the console asks for a list,
 * then each image and its annotations, and parsing a COCO file on each request would dominate.
 * Image files are not checked at load (a browser asks for one image at a time; a bad one fails alone).
 */
export class DatasetCache {
  private readonly entries = new Map<string, Promise<Dataset>>();

  constructor(
    private readonly dataRoot: string,
    private readonly capacity = 4,
  ) {}

  get(uri: string): Promise<Dataset> {
    const hit = this.entries.get(uri);
    if (hit) {
      this.entries.delete(uri);
      this.entries.set(uri, hit);
      return hit;
    }
    const loading = loadDataset(uri, { dataRoot: this.dataRoot, checkImages: false });
    // A failed load is not kept: the file may be fixed or appear.
    loading.catch(() => this.entries.delete(uri));
    this.entries.set(uri, loading);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}
