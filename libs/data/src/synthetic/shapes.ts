/**
 * The shape classes of the synthetic dataset and their exact rasteriser. A shape is a point set
 * in normalised coordinates (u, v) ∈ [−1, 1]² (u right, v down), stretched onto its ellipse-like
 * extent (cx ± rx, cy ± ry); a pixel belongs to the shape when its centre does. The same test
 * gives boxes, occlusion and (later, issue 7) instance masks.
 */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'cross', 'ring', 'diamond', 'star'] as const;
export type ShapeKind = (typeof SHAPE_CLASSES)[number];

export interface Shape {
  kind: ShapeKind;
  /** Centre, pixels. */
  cx: number;
  cy: number;
  /** Half extents, pixels. */
  rx: number;
  ry: number;
}

/** Cross arms are a third of the extent wide: |u| ≤ 1/3 or |v| ≤ 1/3. */
const CROSS_HALF_ARM = 1 / 3;
/** Ring: between 0.6 and 1 of the radius. */
const RING_INNER_SQ = 0.36;
/** Star: five points, inner radius 0.45 of the outer. */
const STAR_POINTS = 5;
const STAR_INNER = 0.45;

/** Whether the normalised point (u, v) lies in a shape of this kind. */
export function insideShape(kind: ShapeKind, u: number, v: number): boolean {
  const au = Math.abs(u);
  const av = Math.abs(v);
  if (au > 1 || av > 1) return false;
  switch (kind) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return true;
    case 'triangle':
      // Apex at the top (v = −1), base at the bottom: half-width grows from 0 to 1.
      return au <= (v + 1) / 2;
    case 'cross':
      return au <= CROSS_HALF_ARM || av <= CROSS_HALF_ARM;
    case 'ring': {
      const r2 = u * u + v * v;
      return r2 <= 1 && r2 >= RING_INNER_SQ;
    }
    case 'diamond':
      return au + av <= 1;
    case 'star':
      return insideStar(u, v);
  }
}

/** A five-pointed star, one point up: radius interpolated linearly in angle between the tips and the notches. */
function insideStar(u: number, v: number): boolean {
  const r = Math.hypot(u, v);
  if (r === 0) return true;
  const sector = (2 * Math.PI) / STAR_POINTS;
  // Angle from the upward direction, folded into [0, sector/2] (0 = a tip, sector/2 = a notch).
  let a = Math.atan2(u, -v) % sector;
  if (a < 0) a += sector;
  const t = Math.min(a, sector - a) / (sector / 2);
  return r <= 1 - (1 - STAR_INNER) * t;
}

/**
 * Calls `visit(x, y)` for every pixel of an `width`×`height` image whose centre lies in `shape`,
 * row by row. Pixels outside the image are skipped.
 */
export function rasteriseShape(shape: Shape, width: number, height: number, visit: (x: number, y: number) => void): void {
  const x0 = Math.max(0, Math.floor(shape.cx - shape.rx));
  const x1 = Math.min(width - 1, Math.ceil(shape.cx + shape.rx));
  const y0 = Math.max(0, Math.floor(shape.cy - shape.ry));
  const y1 = Math.min(height - 1, Math.ceil(shape.cy + shape.ry));
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5 - shape.cy) / shape.ry;
    for (let x = x0; x <= x1; x++) {
      if (insideShape(shape.kind, (x + 0.5 - shape.cx) / shape.rx, v)) visit(x, y);
    }
  }
}
