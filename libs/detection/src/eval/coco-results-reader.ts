import type { CocoDetection } from './coco-format';
import { divideExactly, MAX_DIGITS, MAX_FAST_DIGITS, POW10 } from './decimal-to-double';

/**
 * A results file read straight into columns: `[{image_id, category_id, bbox: [x, y, w, h],
 * score}, ...]` without building an object per detection. On COCO val (242k detections,
 * 34 MiB) JSON.parse alone costs more than evaluating them; this scanner reads the text once
 * and allocates four typed arrays.
 */

/** Detections as columns, in file order (row i has id i + 1, as pycocotools' `loadRes` assigns). */
export interface CocoResultsColumns {
  count: number;
  /** The `image_id` and `category_id` fields as written (not yet mapped to GT indices). */
  imageId: Float64Array;
  categoryId: Float64Array;
  /** [x, y, w, h] per row, shape (count·4). */
  box: Float64Array;
  score: Float64Array;
}

const FIELD_IMAGE = 1, FIELD_CATEGORY = 2, FIELD_BBOX = 4, FIELD_SCORE = 8, ALL_FIELDS = 15;

/** Thrown inside the scanner when the text is not the plain shape; the caller falls back. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain();

/** Growable columns. */
class Columns {
  count = 0;
  imageId = new Float64Array(1024);
  categoryId = new Float64Array(1024);
  box = new Float64Array(4096);
  score = new Float64Array(1024);
  grow(): void {
    const n = 2 * this.imageId.length;
    const grown = (a: Float64Array, size: number) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.imageId = grown(this.imageId, n);
    this.categoryId = grown(this.categoryId, n);
    this.box = grown(this.box, 4 * n);
    this.score = grown(this.score, n);
  }
  result(): CocoResultsColumns {
    const n = this.count;
    return {
      count: n,
      imageId: this.imageId.slice(0, n),
      categoryId: this.categoryId.slice(0, n),
      box: this.box.slice(0, 4 * n),
      score: this.score.slice(0, n),
    };
  }
}

/** Keys of a detection the scanner reads; any other key is skipped with its value. */
const KEY_OTHER = 0, KEY_IMAGE = 1, KEY_CATEGORY = 2, KEY_BBOX = 3, KEY_SCORE = 4;
const KEY_BYTES = [ascii(''), ascii('image_id'), ascii('category_id'), ascii('bbox'), ascii('score')];

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

const ASCII_DECODER = new TextDecoder('latin1');

/** The bytes [start, end) as a string (ASCII: numbers), for `Number`. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return ASCII_DECODER.decode(bytes.subarray(start, end));
}

/** A one-pass scanner over the file's bytes (UTF-8; keys, numbers and punctuation are ASCII). */
class Scanner {
  i = 0;
  constructor(readonly s: Uint8Array) {}

  ws(): void {
    const s = this.s;
    let c = s[this.i];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s[++this.i];
  }

  expect(code: number): void {
    this.ws();
    if (this.s[this.i] !== code) throw NOT_PLAIN;
    this.i++;
  }

  /** The next of two characters, consumed; returns which. */
  either(a: number, b: number): number {
    this.ws();
    const c = this.s[this.i];
    if (c !== a && c !== b) throw NOT_PLAIN;
    this.i++;
    return c;
  }

  /**
   * An object key and its colon: KEY_IMAGE ... for the fields read, KEY_OTHER for any other.
   * A key with an escape or a control character goes to the general parser.
   */
  key(): number {
    this.expect(34);
    const s = this.s;
    const start = this.i;
    let end = start;
    for (;;) {
      const c = s[end];
      if (c === 34) break;
      if (!(c >= 32) || c === 92) throw NOT_PLAIN; // the end, a control character or an escape
      end++;
    }
    this.i = end + 1;
    this.expect(58); // ':'
    // The length picks the candidate; the bytes confirm it.
    const length = end - start;
    const candidate =
      length === 8 ? KEY_IMAGE : length === 11 ? KEY_CATEGORY : length === 4 ? KEY_BBOX : length === 5 ? KEY_SCORE : KEY_OTHER;
    if (candidate === KEY_OTHER) return KEY_OTHER;
    const bytes = KEY_BYTES[candidate];
    for (let j = 0; j < length; j++) if (s[start + j] !== bytes[j]) return KEY_OTHER;
    return candidate;
  }

  /**
   * A JSON number, exactly as JSON.parse reads it: up to 15 significant digits and a power of
   * ten within ±22 by one correctly rounded multiply or divide (Clinger's fast path); 16 to 19
   * digits over a power of ten by {@link divideExactly}; anything else by `Number` of the text.
   */
  number(): number {
    this.ws();
    const s = this.s;
    const start = this.i;
    let i = start;
    let c = s[i];
    const negative = c === 45;
    if (negative) c = s[++i];
    if (c < 48 || c > 57) throw NOT_PLAIN;
    // The significant digits D = hi · 10^loDigits + lo: hi the first 15, lo the next (≤ 4 used).
    let hi = 0, lo = 0, digits = 0, exp10 = 0;
    if (c === 48) c = s[++i];
    else {
      while (c >= 48 && c <= 57) {
        if (digits < MAX_FAST_DIGITS) hi = hi * 10 + (c - 48);
        else lo = lo * 10 + (c - 48);
        digits++;
        c = s[++i];
      }
    }
    if (c === 46) {
      c = s[++i];
      if (c < 48 || c > 57) throw NOT_PLAIN;
      while (c >= 48 && c <= 57) {
        if (digits > 0 || c !== 48) {
          // leading zeros of 0.00x are not significant
          if (digits < MAX_FAST_DIGITS) hi = hi * 10 + (c - 48);
          else lo = lo * 10 + (c - 48);
          digits++;
        }
        exp10--;
        c = s[++i];
      }
    }
    let slow = digits > MAX_DIGITS;
    if (c === 101 || c === 69) {
      c = s[++i];
      let expSign = 1;
      if (c === 43 || c === 45) {
        expSign = c === 45 ? -1 : 1;
        c = s[++i];
      }
      if (c < 48 || c > 57) throw NOT_PLAIN;
      let e = 0;
      while (c >= 48 && c <= 57) {
        e = e * 10 + (c - 48);
        if (e > 9999) slow = true;
        c = s[++i];
      }
      exp10 += expSign * e;
    }
    this.i = i;
    let magnitude = NaN;
    if (!slow && exp10 <= 22 && exp10 >= -22) {
      if (digits <= MAX_FAST_DIGITS) magnitude = exp10 >= 0 ? hi * POW10[exp10] : hi / POW10[-exp10];
      else if (exp10 < 0) magnitude = divideExactly(hi, digits - MAX_FAST_DIGITS, lo, POW10[-exp10]);
    }
    if (Number.isNaN(magnitude)) return Number(latin1(s, start, i));
    return negative ? -magnitude : magnitude;
  }

  /** Skips any JSON value (fields the evaluation does not read). */
  skipValue(): void {
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === 34) {
      let i = this.i + 1;
      for (;;) {
        const d = s[i];
        // The end of the text, an escape or a control character: left to JSON.parse.
        if (!(d >= 32) || d === 92) throw NOT_PLAIN;
        if (d === 34) break;
        i++;
      }
      this.i = i + 1;
    } else if (c === 123 || c === 91) {
      const close = c === 123 ? 125 : 93;
      this.i++;
      this.ws();
      if (s[this.i] === close) {
        this.i++;
        return;
      }
      do {
        if (c === 123) this.key();
        this.skipValue();
      } while (this.either(44, close) === 44);
    } else if (this.literal(LITERAL_TRUE) || this.literal(LITERAL_FALSE) || this.literal(LITERAL_NULL)) return;
    else this.number();
  }

  /** Consumes `true`, `false` or `null` if it is next. */
  literal(bytes: Uint8Array): boolean {
    for (let j = 0; j < bytes.length; j++) if (this.s[this.i + j] !== bytes[j]) return false;
    this.i += bytes.length;
    return true;
  }
}

const LITERAL_TRUE = ascii('true'), LITERAL_FALSE = ascii('false'), LITERAL_NULL = ascii('null');

/** One detection object into row `row` of the columns; false unless it has exactly the plain fields. */
function scanDetection(sc: Scanner, cols: Columns, row: number): boolean {
  sc.expect(123);
  let seen = 0;
  sc.ws();
  if (sc.s[sc.i] === 125) return false;
  do {
    const key = sc.key();
    let field = 0;
    if (key === KEY_IMAGE) {
      cols.imageId[row] = sc.number();
      field = FIELD_IMAGE;
    } else if (key === KEY_CATEGORY) {
      cols.categoryId[row] = sc.number();
      field = FIELD_CATEGORY;
    } else if (key === KEY_SCORE) {
      cols.score[row] = sc.number();
      field = FIELD_SCORE;
    } else if (key === KEY_BBOX) {
      sc.expect(91);
      for (let j = 0; j < 4; j++) {
        if (j > 0) sc.expect(44);
        cols.box[4 * row + j] = sc.number();
      }
      sc.expect(93);
      field = FIELD_BBOX;
    } else sc.skipValue();
    if (seen & field) return false; // a repeated key: JSON.parse keeps the last, the general path decides
    seen |= field;
  } while (sc.either(44, 125) === 44);
  return seen === ALL_FIELDS;
}

/**
 * Reads a results file (its UTF-8 bytes, or its text) into columns, or returns undefined when the text is anything
 * other than an array of plain detections (not JSON, a missing or mistyped field, an id that is
 * not an integer, a negative width or height, a key with escapes, ...): the caller then parses it
 * with JSON.parse and the schema, which accept what is valid and name the entry that is not.
 */
export function scanCocoResults(data: Uint8Array | string): CocoResultsColumns | undefined {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const sc = new Scanner(bytes);
  const cols = new Columns();
  try {
    sc.expect(91);
    sc.ws();
    if (bytes[sc.i] === 93) sc.i++;
    else {
      do {
        if (cols.count === cols.imageId.length) cols.grow();
        const row = cols.count;
        if (!scanDetection(sc, cols, row)) return undefined;
        const b = 4 * row;
        if (!Number.isInteger(cols.imageId[row]) || !Number.isInteger(cols.categoryId[row])) return undefined;
        const box = cols.box;
        const finite =
          Number.isFinite(box[b]) && Number.isFinite(box[b + 1]) && Number.isFinite(box[b + 2]) && Number.isFinite(box[b + 3]) && Number.isFinite(cols.score[row]);
        if (!(box[b + 2] >= 0 && box[b + 3] >= 0) || !finite) {
          return undefined; // a negative side or a number JSON.parse reads as ±Infinity
        }
        cols.count++;
      } while (sc.either(44, 93) === 44);
    }
    sc.ws();
    if (sc.i !== bytes.length) return undefined;
  } catch {
    return undefined; // NOT_PLAIN, or a RangeError of very deep nesting: JSON.parse decides
  }
  return cols.result();
}

/** Columns from parsed detection objects (already validated). */
export function columnsFromDetections(
  detections: readonly { image_id: number; category_id: number; bbox: readonly number[]; score: number }[],
): CocoResultsColumns {
  const n = detections.length;
  const cols: CocoResultsColumns = {
    count: n,
    imageId: new Float64Array(n),
    categoryId: new Float64Array(n),
    box: new Float64Array(4 * n),
    score: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const d = detections[i];
    cols.imageId[i] = d.image_id;
    cols.categoryId[i] = d.category_id;
    cols.box.set(d.bbox, 4 * i);
    cols.score[i] = d.score;
  }
  return cols;
}

/** Detection objects from columns (for code that wants objects; the COCO evaluator does not). */
export function detectionsFromColumns(cols: CocoResultsColumns): CocoDetection[] {
  return Array.from({ length: cols.count }, (_, i) => ({
    image_id: cols.imageId[i],
    category_id: cols.categoryId[i],
    bbox: [cols.box[4 * i], cols.box[4 * i + 1], cols.box[4 * i + 2], cols.box[4 * i + 3]],
    score: cols.score[i],
  }));
}
