import { divideExactly, POW10 } from './decimal-to-double';

/** "hi lo" digits and a power of ten: the decimal (hi · 10^k + lo) / 10^e as text, for Number(). */
function text(hi: number, k: number, lo: number, e: number): string {
  const digits = String(hi) + String(lo).padStart(k, '0');
  return `${digits}e-${e}`;
}

describe('divideExactly', () => {
  it('rounds 16–19 digit decimals as JSON.parse does (20,000 random cases)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let answered = 0;
    const wrong: string[] = [];
    for (let n = 0; n < 20000; n++) {
      const hi = 1e14 + Math.floor(rand() * 9e14); // 15 digits
      const k = 1 + Math.floor(rand() * 4);
      const lo = Math.floor(rand() * POW10[k]);
      const e = Math.floor(rand() * 23);
      const got = divideExactly(hi, k, lo, POW10[e]);
      if (Number.isNaN(got)) continue; // near a halfway point: the caller uses Number()
      answered++;
      if (!Object.is(got, Number(text(hi, k, lo, e)))) wrong.push(text(hi, k, lo, e));
    }
    expect(wrong).toEqual([]);
    expect(answered).toBeGreaterThan(19900);
  });

  it('hands exact halfway points back to Number()', () => {
    // 9007199254740993 = 2^53 + 1 lies halfway between two doubles: ties go to even.
    expect(divideExactly(900719925474099, 1, 3, 1)).toBeNaN();
    // A float32 score as JavaScript prints it: 0.8234567046165466 = 8234567046165466 / 10^16.
    expect(divideExactly(823456704616546, 1, 6, 1e16)).toBe(0.8234567046165466);
  });
});
