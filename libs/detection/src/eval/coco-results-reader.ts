import type { CocoDetection } from './coco-format';

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

/** 10^0 .. 10^22: the powers of ten a double holds exactly (the limit of the fast path below). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const MAX_FAST_DIGITS = 15; // < 2^53, so the digits form an exact integer

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

/** A one-pass scanner over a latin1 string of the file (numbers and keys are ASCII). */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
  }

  expect(code: number): void {
    this.ws();
    if (this.s.charCodeAt(this.i) !== code) throw NOT_PLAIN;
    this.i++;
  }

  /** The next of two characters, consumed; returns which. */
  either(a: number, b: number): number {
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c !== a && c !== b) throw NOT_PLAIN;
    this.i++;
    return c;
  }

  /** An object key without escapes (a key with escapes goes to the general parser). */
  key(): string {
    this.expect(34);
    const start = this.i;
    const end = this.s.indexOf('"', start);
    if (end < 0) throw NOT_PLAIN;
    const k = this.s.slice(start, end);
    if (k.includes('\\')) throw NOT_PLAIN; // escapes: left to JSON.parse
    this.i = end + 1;
    this.expect(58); // ':'
    return k;
  }

  /**
   * A JSON number, exactly as JSON.parse reads it: up to 15 significant digits and a power of
   * ten within ±22, one correctly rounded multiply or divide (Clinger's fast path); otherwise
   * `Number` of the text.
   */
  number(): number {
    this.ws();
    const s = this.s;
    const start = this.i;
    let i = start;
    let c = s.charCodeAt(i);
    const negative = c === 45;
    if (negative) c = s.charCodeAt(++i);
    if (c < 48 || c > 57) throw NOT_PLAIN;
    let mantissa = 0, digits = 0, exp10 = 0;
    if (c === 48) c = s.charCodeAt(++i);
    else {
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        c = s.charCodeAt(++i);
      }
    }
    if (c === 46) {
      c = s.charCodeAt(++i);
      if (c < 48 || c > 57) throw NOT_PLAIN;
      while (c >= 48 && c <= 57) {
        if (mantissa !== 0 || c !== 48) digits++; // leading zeros of 0.00x are not significant
        mantissa = mantissa * 10 + (c - 48);
        exp10--;
        c = s.charCodeAt(++i);
      }
    }
    let slow = digits > MAX_FAST_DIGITS;
    if (c === 101 || c === 69) {
      c = s.charCodeAt(++i);
      let expSign = 1;
      if (c === 43 || c === 45) {
        expSign = c === 45 ? -1 : 1;
        c = s.charCodeAt(++i);
      }
      if (c < 48 || c > 57) throw NOT_PLAIN;
      let e = 0;
      while (c >= 48 && c <= 57) {
        e = e * 10 + (c - 48);
        if (e > 9999) slow = true;
        c = s.charCodeAt(++i);
      }
      exp10 += expSign * e;
    }
    this.i = i;
    if (slow || exp10 > 22 || exp10 < -22) return Number(s.slice(start, i));
    const magnitude = exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10];
    return negative ? -magnitude : magnitude;
  }

  /** Skips any JSON value (fields the evaluation does not read). */
  skipValue(): void {
    this.ws();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 34) {
      let i = this.i + 1;
      for (;;) {
        const d = s.charCodeAt(i);
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
      if (s.charCodeAt(this.i) === close) {
        this.i++;
        return;
      }
      do {
        if (c === 123) this.key();
        this.skipValue();
      } while (this.either(44, close) === 44);
    } else if (s.startsWith('true', this.i)) this.i += 4;
    else if (s.startsWith('false', this.i)) this.i += 5;
    else if (s.startsWith('null', this.i)) this.i += 4;
    else this.number();
  }
}

/** A key JSON.parse would read as written: no escapes (checked by the scanner) and no control characters. */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) < 32) return false;
  return true;
}

/** One detection object into row `row` of the columns; false unless it has exactly the plain fields. */
function scanDetection(sc: Scanner, cols: Columns, row: number): boolean {
  sc.expect(123);
  let seen = 0;
  sc.ws();
  if (sc.s.charCodeAt(sc.i) === 125) return false;
  do {
    const key = sc.key();
    let field = 0;
    if (key === 'image_id') {
      cols.imageId[row] = sc.number();
      field = FIELD_IMAGE;
    } else if (key === 'category_id') {
      cols.categoryId[row] = sc.number();
      field = FIELD_CATEGORY;
    } else if (key === 'score') {
      cols.score[row] = sc.number();
      field = FIELD_SCORE;
    } else if (key === 'bbox') {
      sc.expect(91);
      for (let j = 0; j < 4; j++) {
        if (j > 0) sc.expect(44);
        cols.box[4 * row + j] = sc.number();
      }
      sc.expect(93);
      field = FIELD_BBOX;
    } else {
      if (!isPlainKey(key)) return false;
      sc.skipValue();
    }
    if (seen & field) return false; // a repeated key: JSON.parse keeps the last, the general path decides
    seen |= field;
  } while (sc.either(44, 125) === 44);
  return seen === ALL_FIELDS;
}

/**
 * Reads a results file's text into columns, or returns undefined when the text is anything
 * other than an array of plain detections (not JSON, a missing or mistyped field, an id that is
 * not an integer, a negative width or height, a key with escapes, ...): the caller then parses it
 * with JSON.parse and the schema, which accept what is valid and name the entry that is not.
 */
export function scanCocoResults(text: string): CocoResultsColumns | undefined {
  const sc = new Scanner(text);
  const cols = new Columns();
  try {
    sc.expect(91);
    sc.ws();
    if (text.charCodeAt(sc.i) === 93) sc.i++;
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
    if (sc.i !== text.length) return undefined;
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
