/**
 * COCO's compressed RLE (pycocotools' `counts` string) decoded in the browser, to draw instance
 * masks: run lengths of alternating 0s and 1s over the mask in column-major order, each length
 * written as 5-bit groups with a continuation bit, offset by 48, and every length after the second
 * stored as the difference from the one two before (pycocotools' rleFrString).
 */
export function decodeRleCounts(counts: string): number[] {
  const out: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = counts.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (out.length > 2) x += out[out.length - 2]!;
    out.push(x);
  }
  return out;
}

/** The mask of an RLE as a row-major 0/1 array of height × width. */
export function rleToMask(rle: { size: [number, number]; counts: string }): Uint8Array {
  const [height, width] = rle.size;
  const mask = new Uint8Array(height * width);
  let i = 0;
  let value = 0;
  for (const run of decodeRleCounts(rle.counts)) {
    for (let j = 0; j < run; j++, i++) {
      if (value) mask[(i % height) * width + Math.floor(i / height)] = 1;
    }
    value ^= 1;
  }
  return mask;
}
