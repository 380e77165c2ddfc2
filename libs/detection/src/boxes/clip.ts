import type { BoxArray } from '../structures';

/**
 * Clips XYXY boxes in place to `[0, width] × [0, height]` and returns the same array
 * (torchvision's `clip_boxes_to_image`).
 */
export function clipBoxes(boxes: BoxArray, width: number, height: number = width): BoxArray {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = Math.min(Math.max(boxes[i], 0), width);
    boxes[i + 1] = Math.min(Math.max(boxes[i + 1], 0), height);
    boxes[i + 2] = Math.min(Math.max(boxes[i + 2], 0), width);
    boxes[i + 3] = Math.min(Math.max(boxes[i + 3], 0), height);
  }
  return boxes;
}
