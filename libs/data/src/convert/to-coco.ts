import * as path from 'node:path';
import { rleToString, type CocoAnnotation, type CocoCategory, type CocoDataset } from '@ablate/detection';
import type { Dataset, DatasetCategory, DatasetImage } from '../dataset/dataset';

/**
 * The dataset as COCO ground truth for the evaluator: bbox back to [x, y, w, h], area = w·h unless
 * the source file gave one, `iscrowd` and VOC's `difficult` kept, category ids the dataset's own.
 * Instance masks become `segmentation` as compressed RLE (what pycocotools' annToRLE gives back
 * unchanged, so segm evaluation sees exactly the reader's masks); keypoints and `num_keypoints`, and
 * the categories' keypoint names and skeleton, as COCO's person-keypoint files hold them. Annotation ids are 1…M in image order. `file_name` is the image file's base name when there is one.
 */
export function toCocoGroundTruth(dataset: Dataset): CocoDataset {
  const annotations: CocoAnnotation[] = [];
  const images = dataset.images.map((img) => {
    annotations.push(...cocoAnnotationsOf(dataset, img, annotations.length + 1));
    return { id: img.id, width: img.width, height: img.height, file_name: imageFileName(img) };
  });
  return { images, annotations, categories: dataset.categories.map(cocoCategoryOf) };
}

function cocoCategoryOf(c: DatasetCategory): CocoCategory {
  const out: CocoCategory = { id: c.id, name: c.name };
  if (c.keypoints !== undefined) out.keypoints = [...c.keypoints];
  if (c.skeleton !== undefined) out.skeleton = c.skeleton.map(([a, b]) => [a, b]);
  return out;
}

/** The image file's base name, or `<id>.png` for an image with no file (synthetic). */
export function imageFileName(img: DatasetImage): string {
  return img.file ? path.basename(img.file) : `${img.id}.png`;
}

/** One image's ground truth as COCO annotations, numbered from `firstId`. */
export function cocoAnnotationsOf(dataset: Dataset, img: DatasetImage, firstId = 1): CocoAnnotation[] {
  const annotations: CocoAnnotation[] = [];
  for (let i = 0; i < img.labels.length; i++) {
    const [x1, y1, x2, y2] = img.boxes.subarray(4 * i, 4 * i + 4) as unknown as [number, number, number, number];
    const w = x2 - x1;
    const h = y2 - y1;
    const given = img.areas?.[i];
    const ann: CocoAnnotation = {
      id: firstId + i,
      image_id: img.id,
      category_id: dataset.categories[img.labels[i]!]!.id,
      bbox: [x1, y1, w, h],
      area: given !== undefined && !Number.isNaN(given) ? given : w * h,
      iscrowd: img.crowd[i] ? 1 : 0,
    };
    if (img.difficult[i]) ann.difficult = true;
    const mask = img.masks?.[i];
    if (mask !== undefined) ann.segmentation = { size: [mask.h, mask.w], counts: rleToString(mask) };
    if (img.keypoints !== undefined && img.numKeypoints !== undefined) {
      const k = img.keypoints.length / img.labels.length;
      ann.keypoints = Array.from(img.keypoints.subarray(i * k, (i + 1) * k));
      ann.num_keypoints = img.numKeypoints[i]!;
    }
    annotations.push(ann);
  }
  return annotations;
}
