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
  /** Person keypoints: (x, y, v)·K, v 0 unlabelled (x = y = 0), 1 labelled not visible, 2 visible. */
  keypoints?: number[];
  /** Labelled keypoints (v > 0); 0 makes the annotation ignored by keypoint evaluation. */
  num_keypoints?: number;
}

export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
  /** The names of the category's K keypoints (COCO person: nose, left_eye, …). */
  keypoints?: string[];
  /** Edges between keypoints, 1-based pairs into `keypoints`. */
  skeleton?: [number, number][];
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
