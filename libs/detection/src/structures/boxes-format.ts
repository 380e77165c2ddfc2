/**
 * Box arrays outside the training graph are flat typed arrays, four numbers a box, row-major:
 * `Float32Array` of length 4·N. The format (XYXY unless a name says otherwise) is in pixels of
 * the image the boxes belong to, with x1 ≤ x2, y1 ≤ y2.
 */
export type BoxArray = Float32Array;
