import fc from 'fast-check';
import { decodeRleCounts, rleToMask } from './rle';

/** pycocotools' rleToString, written from its C source: the encoder the decoder must invert. */
function encodeCounts(runs: number[]): string {
  let out = '';
  runs.forEach((run, i) => {
    let x = i > 2 ? run - runs[i - 2]! : run;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  });
  return out;
}

/** Run lengths of a row-major mask read column-major, starting with a run of 0s. */
function runsOf(mask: Uint8Array, height: number, width: number): number[] {
  const runs: number[] = [];
  let value = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (mask[y * width + x] !== value) {
        runs.push(run);
        run = 0;
        value ^= 1;
      }
      run++;
    }
  }
  runs.push(run);
  return runs;
}

describe('COCO compressed RLE in the browser', () => {
  it('decodes what pycocotools encodes, for any mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }), (height, width, bits) => {
        const mask = Uint8Array.from(bits.slice(0, height * width), (b) => (b ? 1 : 0));
        const runs = runsOf(mask, height, width);
        expect(decodeRleCounts(encodeCounts(runs))).toEqual(runs);
        expect(rleToMask({ size: [height, width], counts: encodeCounts(runs) })).toEqual(mask);
      }),
    );
  });

  it('reads a run longer than one 5-bit group and a negative difference', () => {
    // 3 × 40 mask: 50 zeros, 3 ones, 67 zeros — the third run is stored as 67 − 50 = 17.
    const runs = [50, 3, 67];
    expect(decodeRleCounts(encodeCounts(runs))).toEqual(runs);
    expect(decodeRleCounts(encodeCounts([70, 5, 20, 2, 23]))).toEqual([70, 5, 20, 2, 23]);
  });
});
