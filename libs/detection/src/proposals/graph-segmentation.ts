/**
 * Felzenszwalb & Huttenlocher 2004, "Efficient Graph-Based Image Segmentation": pixels are the
 * nodes of a graph whose 8-connected edges weigh the colour distance of their ends; edges are
 * taken in increasing weight and join two components when the weight is within both components'
 * internal difference plus k/|C| (§3, the predicate D). Components smaller than `minSize` pixels are
 * then merged along the remaining lightest edges, as the authors' code does.
 */

/** Options of {@link graphSegmentation}. */
export interface GraphSegmentationOptions {
  /** Scale of the threshold function τ(C) = k/|C|: larger k, larger components. */
  k: number;
  /** Components smaller than this (pixels) are merged into a neighbour. */
  minSize: number;
  /** σ of the Gaussian smoothing applied first (0: none). */
  sigma: number;
}

/** A segmentation: a label in [0, count) per pixel, row-major. */
export interface Segmentation {
  labels: Int32Array;
  count: number;
}

/**
 * Segments an image given as interleaved float channels (`[height, width, channels]` row-major).
 * Deterministic: ties between equal edge weights are broken by edge index.
 */
export function graphSegmentation(pixels: Float32Array, width: number, height: number, channels: number, options: GraphSegmentationOptions): Segmentation {
  const image = options.sigma > 0 ? gaussianSmooth(pixels, width, height, channels, options.sigma) : pixels;
  const edges = pixelEdges(image, width, height, channels);
  const forest = new DisjointSets(width * height);
  const threshold = new Float64Array(width * height).fill(options.k);
  for (const e of edges.order) {
    const a = forest.find(edges.from[e]);
    const b = forest.find(edges.to[e]);
    const w = edges.weight[e];
    if (a === b || w > threshold[a] || w > threshold[b]) continue;
    const root = forest.union(a, b);
    threshold[root] = w + options.k / forest.size[root];
  }
  for (const e of edges.order) {
    const a = forest.find(edges.from[e]);
    const b = forest.find(edges.to[e]);
    if (a !== b && (forest.size[a] < options.minSize || forest.size[b] < options.minSize)) forest.union(a, b);
  }
  return forest.labels();
}

/** 8-connected edges (right, down, down-right, up-right of each pixel) and their order by weight. */
function pixelEdges(image: Float32Array, width: number, height: number, channels: number) {
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const add = (p: number, q: number) => {
    let d = 0;
    for (let c = 0; c < channels; c++) {
      const v = image[p * channels + c] - image[q * channels + c];
      d += v * v;
    }
    from.push(p);
    to.push(q);
    weight.push(Math.sqrt(d));
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width) add(p, p + 1);
      if (y + 1 < height) add(p, p + width);
      if (x + 1 < width && y + 1 < height) add(p, p + width + 1);
      if (x + 1 < width && y > 0) add(p, p - width + 1);
    }
  }
  const w = Float64Array.from(weight);
  const order = Uint32Array.from(weight.keys()).sort((i, j) => w[i] - w[j] || i - j);
  return { from: Int32Array.from(from), to: Int32Array.from(to), weight: w, order };
}

/** Separable Gaussian blur of each channel (kernel radius ⌈4σ⌉, edges clamped). */
function gaussianSmooth(pixels: Float32Array, width: number, height: number, channels: number, sigma: number): Float32Array {
  const radius = Math.ceil(4 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((v) => v / sum);
  const pass = (src: Float32Array, dx: number, dy: number): Float32Array => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          let acc = 0;
          for (let i = -radius; i <= radius; i++) {
            const sx = Math.min(width - 1, Math.max(0, x + i * dx));
            const sy = Math.min(height - 1, Math.max(0, y + i * dy));
            acc += k[i + radius] * src[(sy * width + sx) * channels + c];
          }
          out[(y * width + x) * channels + c] = acc;
        }
      }
    }
    return out;
  };
  return pass(pass(pixels, 1, 0), 0, 1);
}

/** Union–find with union by size and path halving. */
class DisjointSets {
  private readonly parent: Int32Array;
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
  }

  find(x: number): number {
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]];
      x = this.parent[x];
    }
    return x;
  }

  /** Joins two roots; returns the new root. */
  union(a: number, b: number): number {
    const [big, small] = this.size[a] >= this.size[b] ? [a, b] : [b, a];
    this.parent[small] = big;
    this.size[big] += this.size[small];
    return big;
  }

  labels(): Segmentation {
    const n = this.parent.length;
    const ids = new Map<number, number>();
    const labels = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const r = this.find(p);
      let id = ids.get(r);
      if (id === undefined) {
        id = ids.size;
        ids.set(r, id);
      }
      labels[p] = id;
    }
    return { labels, count: ids.size };
  }
}
