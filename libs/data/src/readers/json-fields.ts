import { DatasetError } from '../dataset/dataset-error';

/** Small typed accessors for untrusted JSON: each failure names the file and entry. */
export type Json = Record<string, unknown>;

export function asObject(value: unknown, file: string, entry: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DatasetError('invalid-entry', 'expected an object', file, entry);
  }
  return value as Json;
}

export function asArray(value: unknown, file: string, entry: string): unknown[] {
  if (!Array.isArray(value)) throw new DatasetError('invalid-entry', 'expected an array', file, entry);
  return value;
}

export function asNumber(value: unknown, file: string, entry: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DatasetError('invalid-entry', `expected a finite number, got ${JSON.stringify(value)}`, file, entry);
  }
  return value;
}

export function asString(value: unknown, file: string, entry: string): string {
  if (typeof value !== 'string') throw new DatasetError('invalid-entry', `expected a string, got ${JSON.stringify(value)}`, file, entry);
  return value;
}

/** Runs `fn` over `items` with at most `limit` promises pending (sharp's header reads). */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
