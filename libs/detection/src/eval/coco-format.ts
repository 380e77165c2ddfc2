/**
 * The COCO file formats (https://cocodataset.org/#format-data), as the official API reads them.
 * `bbox` is [x, y, width, height] in pixels.
 */
export interface CocoImage {
  id: number;
  width?: number;
  height?: number;
  file_name?: string;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  /** Used for the area ranges of evaluation (not recomputed from bbox, as in pycocotools). */
  area: number;
  iscrowd?: 0 | 1;
  /** Pascal VOC's `difficult` flag kept through conversion (ignored in VOC evaluation). */
  difficult?: boolean;
  segmentation?: unknown;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
}

export interface CocoDataset {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  info?: unknown;
  licenses?: unknown;
}

/** One entry of a COCO results file. */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  score: number;
  /** The instance mask (a detector with masks): compressed RLE at the image's size, as detectron2 writes results. */
  segmentation?: { size: [number, number]; counts: string };
  /** The instance's keypoints (a detector with a keypoint head): `[x, y, v]·K` in pixels, v = 1 (COCO results format). */
  keypoints?: number[];
}
