import type { Rng } from './prng';

/**
 * COCO's 17 person keypoints, in COCO's order (the `keypoints` of category 1 in
 * person_keypoints_*.json). The person faces the camera: their left is the image's right.
 */
export const COCO_KEYPOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

/** COCO's person `skeleton`: 1-based pairs into COCO_KEYPOINT_NAMES, as person_keypoints_*.json gives it. */
export const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8],
  [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7],
];

const K = COCO_KEYPOINT_NAMES.length;

/**
 * A stick figure as plain data (it crosses to worker threads): discs `[cx, cy, r]·D` and capsules
 * (segments with a radius) `[x1, y1, x2, y2, r]·C`, pixels; a pixel is the figure's when its centre
 * lies in one of them. `keypoints` are its 17 joints `[x, y]·17` in COCO order.
 */
export interface StickFigure {
  discs: number[];
  capsules: number[];
  keypoints: number[];
}

/**
 * Body proportions as fractions of the figure's height H (hip to head top ≈ 0.5 H, hip to ankle
 * ≈ 0.47 H), roughly an adult's: what makes the figure read as a person at 16 px as at 120 px.
 */
const BODY = {
  torso: 0.3,
  neckToHead: 0.12,
  headRadius: 0.075,
  shoulderHalf: 0.11,
  hipHalf: 0.07,
  upperArm: 0.16,
  forearm: 0.14,
  thigh: 0.24,
  shin: 0.23,
  limbRadius: 0.028,
  legRadius: 0.035,
  torsoRadius: 0.07,
} as const;

/** A pose's joint angles (radians from straight down, positive away from the body's midline). */
export interface PoseRanges {
  /** Upper arm. */
  arm: readonly [number, number];
  /** Elbow bend added to the upper arm's angle. */
  elbow: readonly [number, number];
}

/** Any pose: arms from slightly crossed to raised above the head. */
export const FREE_POSE: PoseRanges = { arm: [-0.3, 2.8], elbow: [-1.2, 1.6] };
/** Arms spread out (a figure as wide as it is tall: what fills COCO's large range in a small image). */
export const SPREAD_POSE: PoseRanges = { arm: [1.2, 1.9], elbow: [-0.3, 0.3] };

type Point = [number, number];

const add = (p: Point, q: Point, s = 1): Point => [p[0] + s * q[0], p[1] + s * q[1]];
/** A unit vector at `angle` from straight down (y grows downwards), turned towards `side` (+1: image right). */
const limb = (angle: number, side: number): Point => [side * Math.sin(angle), Math.cos(angle)];

/**
 * Poses a frontal stick figure of height `height` with its hip centre at the origin: a lean of the
 * torso, a turn of the head, random arm and leg angles and bends (`pose`), limbs foreshortened by
 * up to a quarter (a limb pointing at the camera). Every keypoint gets a disc of the limb radius
 * (≥ 1 px), so the pixel holding a keypoint is always the figure's own unless another covers it.
 */
export function poseStickFigure(height: number, pose: PoseRanges, rng: Rng): StickFigure {
  const h = height;
  const lean = rng.uniform(-0.2, 0.2);
  const up: Point = [Math.sin(lean), -Math.cos(lean)];
  const across: Point = [Math.cos(lean), Math.sin(lean)];
  const hip: Point = [0, 0];
  const neck = add(hip, up, BODY.torso * h);
  const head = add(neck, up, BODY.neckToHead * h);
  const r = BODY.headRadius * h;
  const turn = rng.uniform(-0.3, 0.3) * r;
  const kp: Point[] = new Array<Point>(K);
  kp[0] = add(add(head, up, -0.15 * r), across, turn);
  kp[1] = add(add(head, up, 0.25 * r), across, 0.35 * r + turn);
  kp[2] = add(add(head, up, 0.25 * r), across, -0.35 * r + turn);
  kp[3] = add(head, across, 0.8 * r);
  kp[4] = add(head, across, -0.8 * r);
  const shorten = (): number => rng.uniform(0.75, 1);
  for (const side of [1, -1]) {
    const o = side === 1 ? 0 : 1;
    const shoulder = add(neck, across, side * BODY.shoulderHalf * h);
    const arm = rng.uniform(pose.arm[0], pose.arm[1]);
    const elbow = add(shoulder, limb(arm, side), BODY.upperArm * h * shorten());
    const wrist = add(elbow, limb(arm + rng.uniform(pose.elbow[0], pose.elbow[1]), side), BODY.forearm * h * shorten());
    const hipJoint = add(hip, across, side * BODY.hipHalf * h);
    const leg = rng.uniform(-0.1, 0.55);
    const knee = add(hipJoint, limb(leg, side), BODY.thigh * h * shorten());
    const ankle = add(knee, limb(leg + rng.uniform(-0.45, 0.35), side), BODY.shin * h * shorten());
    [kp[5 + o], kp[7 + o], kp[9 + o], kp[11 + o], kp[13 + o], kp[15 + o]] = [shoulder, elbow, wrist, hipJoint, knee, ankle];
  }
  const limbR = Math.max(1, BODY.limbRadius * h);
  const legR = Math.max(1, BODY.legRadius * h);
  const capsules: number[] = [];
  const capsule = (a: Point, b: Point, radius: number): void => void capsules.push(a[0], a[1], b[0], b[1], radius);
  capsule(neck, hip, Math.max(1.2, BODY.torsoRadius * h));
  capsule(neck, head, limbR);
  capsule(kp[5]!, kp[6]!, limbR);
  capsule(kp[11]!, kp[12]!, legR);
  for (const o of [0, 1]) {
    capsule(kp[5 + o]!, kp[7 + o]!, limbR);
    capsule(kp[7 + o]!, kp[9 + o]!, limbR);
    capsule(kp[11 + o]!, kp[13 + o]!, legR);
    capsule(kp[13 + o]!, kp[15 + o]!, legR);
  }
  const discs = [head[0], head[1], r];
  for (const p of kp) discs.push(p[0], p[1], limbR);
  return { discs, capsules, keypoints: kp.flat() };
}

/** The figure moved by (dx, dy). */
export function translateFigure(figure: StickFigure, dx: number, dy: number): StickFigure {
  const discs = figure.discs.map((v, i) => (i % 3 === 0 ? v + dx : i % 3 === 1 ? v + dy : v));
  const capsules = figure.capsules.map((v, i) => (i % 5 === 0 || i % 5 === 2 ? v + dx : i % 5 === 1 || i % 5 === 3 ? v + dy : v));
  const keypoints = figure.keypoints.map((v, i) => (i % 2 === 0 ? v + dx : v + dy));
  return { discs, capsules, keypoints };
}

/** `[x1, y1, x2, y2]` of everything the figure draws (discs and capsules with their radii), pixels. */
export function figureExtent(figure: StickFigure): [number, number, number, number] {
  const e: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (x: number, y: number, r: number): void => {
    e[0] = Math.min(e[0], x - r);
    e[1] = Math.min(e[1], y - r);
    e[2] = Math.max(e[2], x + r);
    e[3] = Math.max(e[3], y + r);
  };
  for (let i = 0; i < figure.discs.length; i += 3) grow(figure.discs[i]!, figure.discs[i + 1]!, figure.discs[i + 2]!);
  for (let i = 0; i < figure.capsules.length; i += 5) {
    const r = figure.capsules[i + 4]!;
    grow(figure.capsules[i]!, figure.capsules[i + 1]!, r);
    grow(figure.capsules[i + 2]!, figure.capsules[i + 3]!, r);
  }
  return e;
}

/** Squared distance from (px, py) to the segment (x1, y1)–(x2, y2). */
function segmentDistanceSq(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - x1) * dx + (py - y1) * dy) / len2));
  const ex = px - (x1 + t * dx);
  const ey = py - (y1 + t * dy);
  return ex * ex + ey * ey;
}

/**
 * Marks in `mask` (row-major `width`×`height`, 1 = the figure's) every pixel whose centre lies in one
 * of the figure's discs or capsules; pixels outside the image are skipped.
 */
export function rasteriseFigure(figure: StickFigure, width: number, height: number, mask: Uint8Array): void {
  const paint = (bx1: number, by1: number, bx2: number, by2: number, inside: (cx: number, cy: number) => boolean): void => {
    const x0 = Math.max(0, Math.floor(bx1));
    const x1 = Math.min(width - 1, Math.ceil(bx2));
    const y0 = Math.max(0, Math.floor(by1));
    const y1 = Math.min(height - 1, Math.ceil(by2));
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (inside(x + 0.5, y + 0.5)) mask[y * width + x] = 1;
  };
  const d = figure.discs;
  for (let i = 0; i < d.length; i += 3) {
    const [cx, cy, r] = [d[i]!, d[i + 1]!, d[i + 2]!];
    paint(cx - r, cy - r, cx + r, cy + r, (px, py) => (px - cx) ** 2 + (py - cy) ** 2 <= r * r);
  }
  const c = figure.capsules;
  for (let i = 0; i < c.length; i += 5) {
    const [x1, y1, x2, y2, r] = [c[i]!, c[i + 1]!, c[i + 2]!, c[i + 3]!, c[i + 4]!];
    paint(Math.min(x1, x2) - r, Math.min(y1, y2) - r, Math.max(x1, x2) + r, Math.max(y1, y2) + r, (px, py) => segmentDistanceSq(px, py, x1, y1, x2, y2) <= r * r);
  }
}
