import { mixSeed, Rng } from './prng';
import { layoutScene, MIN_VISIBLE_FRACTION } from './scene';
import { rasteriseShape } from './shapes';

describe('rasteriseShape', () => {
  it('covers the pixels whose centres fall inside the shape', () => {
    // A 4×4 square centred at (4, 4): extent [2, 6]², pixel centres 2.5…5.5 → columns/rows 2…5 = 16 pixels.
    const square: [number, number][] = [];
    rasteriseShape({ kind: 'square', cx: 4, cy: 4, rx: 2, ry: 2 }, 10, 10, (x, y) => square.push([x, y]));
    expect(square).toHaveLength(16);
    expect(square[0]).toEqual([2, 2]);
    expect(square[15]).toEqual([5, 5]);
    // A circle of radius 2 at (4, 4): centres at distance² (±0.5)²+(±0.5)² = 0.5 and (±1.5)²+(±0.5)² = 2.5 ≤ 4,
    // but (±1.5)²+(±1.5)² = 4.5 > 4: the 16-pixel square minus its 4 corners = 12 pixels.
    let n = 0;
    rasteriseShape({ kind: 'circle', cx: 4, cy: 4, rx: 2, ry: 2 }, 10, 10, () => n++);
    expect(n).toBe(12);
  });

  it('skips pixels outside the image', () => {
    let n = 0;
    rasteriseShape({ kind: 'square', cx: 0, cy: 0, rx: 2, ry: 2 }, 10, 10, () => n++);
    // Only the quadrant with x, y ∈ {0, 1}: 4 pixels.
    expect(n).toBe(4);
  });
});

describe('layoutScene', () => {
  it('boxes are the tight boxes of each shape’s visible pixels, each at least half visible', () => {
    const size = 96;
    for (let i = 0; i < 40; i++) {
      const scene = layoutScene(size, i, new Rng(mixSeed(3, i)));
      scene.shapes.forEach((shape, k) => {
        let full = 0;
        rasteriseShape(shape, size, size, () => full++);
        let visible = 0;
        const tight = [Infinity, Infinity, -Infinity, -Infinity];
        for (let p = 0; p < size * size; p++) {
          if (scene.owner[p] !== k) continue;
          visible++;
          const x = p % size;
          const y = Math.floor(p / size);
          tight[0] = Math.min(tight[0]!, x);
          tight[1] = Math.min(tight[1]!, y);
          tight[2] = Math.max(tight[2]!, x + 1);
          tight[3] = Math.max(tight[3]!, y + 1);
        }
        expect(visible).toBeGreaterThanOrEqual(MIN_VISIBLE_FRACTION * full);
        expect(Array.from(scene.boxes.subarray(4 * k, 4 * k + 4))).toEqual(tight);
      });
    }
  });
});
