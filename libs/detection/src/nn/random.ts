/**
 * mulberry32: a small, fast seeded generator of uniform numbers in [0, 1). Used where a run must
 * draw the same numbers again on resume (RoI sampling of a step) and for test data; not for
 * weight initialisation (ParamStore draws those through tfjs from `hashSeed`).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
