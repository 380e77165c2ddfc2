import type { Dataset } from '../dataset/dataset';

/**
 * COCO's object size ranges, by area in pixels (pycocotools `areaRng`, COCO detection
 * evaluation page): small < 32², medium 32²…96², large > 96².
 */
export const COCO_SMALL_MAX_AREA = 32 * 32;
export const COCO_MEDIUM_MAX_AREA = 96 * 96;

export type AreaRange = 'small' | 'medium' | 'large';

export function areaRangeOf(area: number): AreaRange {
  if (area < COCO_SMALL_MAX_AREA) return 'small';
  return area <= COCO_MEDIUM_MAX_AREA ? 'medium' : 'large';
}

/** Non-crowd boxes per COCO area range (the file's `area` where given, else w·h). */
export function countAreaRanges(dataset: Dataset): Record<AreaRange, number> {
  const counts: Record<AreaRange, number> = { small: 0, medium: 0, large: 0 };
  for (const img of dataset.images) {
    for (let i = 0; i < img.labels.length; i++) {
      if (img.crowd[i]) continue;
      const given = img.areas?.[i];
      const b = img.boxes;
      const area = given !== undefined && !Number.isNaN(given) ? given : (b[4 * i + 2]! - b[4 * i]!) * (b[4 * i + 3]! - b[4 * i + 1]!);
      counts[areaRangeOf(area)]++;
    }
  }
  return counts;
}
