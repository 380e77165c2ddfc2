import { RunConfigSchema } from '@ablate/detection';

/**
 * The addressable fields of a RunConfig, as dotted paths (`loss.gamma`, `anchors.aspectRatios`,
 * `train.augment.flip`): every leaf of the schema. Arrays and tuples are leaves — a grid over
 * `anchors.aspectRatios` varies whole lists, as RetinaNet Table 1c does.
 */
export type ConfigPath = string;

/**
 * Short names a sweep's grid may use for the parameters ablated most often in the papers
 * (RetinaNet Table 1a/1b/1c, EfficientDet Table 1).
 */
export const GRID_ALIASES: Readonly<Record<string, ConfigPath>> = {
  gamma: 'loss.gamma',
  alpha: 'loss.alpha',
  anchorScales: 'anchors.scalesPerOctave',
  aspectRatios: 'anchors.aspectRatios',
  phi: 'model.phi',
  arch: 'model.arch',
  norm: 'model.norm',
  fusion: 'model.fusion',
  lr: 'train.lr',
};

interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; in?: SchemaNode };
  shape?: Record<string, SchemaNode>;
}

/**
 * Strips `.default()`, `.optional()`, `.nullable()` wrappers and the input side of a pipe (the
 * family rules transform the whole config) to reach the schema that holds the shape.
 */
function unwrap(node: SchemaNode): SchemaNode {
  let n = node;
  for (;;) {
    if ((n.def.type === 'default' || n.def.type === 'optional' || n.def.type === 'nullable') && n.def.innerType) n = n.def.innerType;
    else if (n.def.type === 'pipe' && n.def.in) n = n.def.in;
    else return n;
  }
}

function collectLeaves(node: SchemaNode, prefix: string, out: string[]): void {
  const inner = unwrap(node);
  if (inner.def.type === 'object' && inner.shape) {
    for (const [key, child] of Object.entries(inner.shape)) collectLeaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.push(prefix);
  }
}

/** Every leaf path of RunConfigSchema, in schema order. */
export const RUN_CONFIG_PATHS: readonly ConfigPath[] = (() => {
  const out: string[] = [];
  collectLeaves(RunConfigSchema as unknown as SchemaNode, '', out);
  return out;
})();

const PATH_SET = new Set(RUN_CONFIG_PATHS);

/** The canonical path for a grid key (alias or path), or undefined if it names no RunConfig leaf. */
export function resolveConfigPath(key: string): ConfigPath | undefined {
  const path = GRID_ALIASES[key] ?? key;
  return PATH_SET.has(path) ? path : undefined;
}

/** Reads `a.b.c` from a plain object; undefined when any segment is missing. */
export function getPath(obj: unknown, path: ConfigPath): unknown {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Returns a deep copy of `obj` with `path` set to `value`, creating intermediate objects. */
export function setPath<T extends Record<string, unknown>>(obj: T, path: ConfigPath, value: unknown): T {
  const copy = structuredClone(obj);
  const segs = path.split('.');
  let cur: Record<string, unknown> = copy;
  for (const seg of segs.slice(0, -1)) {
    const next = cur[seg];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]] = structuredClone(value);
  return copy;
}
