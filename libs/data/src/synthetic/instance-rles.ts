import type { Rle } from '@ablate/detection';

/**
 * The exact instance masks of a synthetic scene as COCO RLEs: instance k is the set of pixels
 * whose owner (top-most shape) is k, i.e. its visible pixels, the same pixels its box is tight on.
 * One column-major pass over the owner map (COCO's pixel order) builds all N encodings at once.
 */
export function instanceRles(owner: Int16Array, size: number, count: number): Rle[] {
  const runs: number[][] = Array.from({ length: count }, () => []);
  // Per instance: the value of its current run (0/1) and its length.
  const value = new Uint8Array(count);
  const length = new Uint32Array(count);
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) {
      const o = owner[y * size + x]!;
      for (let k = 0; k < count; k++) {
        const v = o === k ? 1 : 0;
        if (v !== value[k]) {
          runs[k]!.push(length[k]!);
          length[k] = 0;
          value[k] = v;
        }
        length[k]!++;
      }
    }
  }
  return runs.map((r, k) => {
    r.push(length[k]!);
    return { h: size, w: size, counts: Uint32Array.from(r) };
  });
}
