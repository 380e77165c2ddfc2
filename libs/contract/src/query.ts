import { z } from 'zod';

/**
 * Query parameters arrive as strings (a repeated one as a list): these schemas take the raw
 * value and give the typed one, with a message that says what is wanted. The API turns their
 * issues into a 400 naming `query.<name>`.
 */

/** An integer in [min, max], written in decimal digits (`1e2`, `0x10`, `5.0` are refused). */
export function intParam(min: number, max: number) {
  const message = `must be an integer in [${min}, ${max}]`;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v),
    z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }),
  );
}

/** A string given once (a repeated parameter is refused). */
export function stringParam() {
  return z.string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be given once, as a string') });
}

/** A comma-separated list (empty items dropped). */
export function listParam() {
  return stringParam().transform((s) => s.split(',').filter((item) => item.trim().length > 0));
}
