import type { Rle } from './rle';

/**
 * COCO's compressed RLE strings (maskApi.c `rleToString` / `rleFrString`): each count, from the
 * third on as the difference to the count two before, is written LEB128-like in 5-bit groups,
 * least significant first, with 0x20 as "more follows" and 0x10 as the sign of the last group,
 * each group as the character 48 + value (ASCII '0'..'o').
 */

/** The compressed string of an RLE's counts (what results files carry in `segmentation.counts`). */
export function rleToString(rle: Rle): string {
  const { counts } = rle;
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      // x & 0x1f and x >> 5 of a 64-bit signed long, on doubles (|x| < 2³³).
      let c = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/** Decodes a compressed string into the RLE of an h×w mask. Throws on a character outside '0'..'o'. */
export function rleFromString(s: string, h: number, w: number): Rle {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new RangeError(`RLE string: ends inside a count at character ${p}`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new RangeError(`RLE string: character ${JSON.stringify(s[p])} at ${p} is outside '0'..'o'`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < 0) throw new RangeError(`RLE string: count ${i} decodes to ${counts[i]} < 0`);
  }
  return { h, w, counts: Uint32Array.from(counts) };
}
