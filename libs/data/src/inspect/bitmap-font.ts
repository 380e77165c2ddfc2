/**
 * A 6×10 bitmap font (DejaVu Sans Mono at 10 px, rendered once and thresholded), so drawn labels
 * look the same on every machine without a font or a text renderer installed. Each glyph is ten
 * rows, two hex digits a row, the high bit of six the leftmost pixel. Upper case is drawn as lower
 * case; a character without a glyph as '?'-like box.
 */
export const GLYPH_WIDTH = 6;
export const GLYPH_HEIGHT = 10;

const GLYPHS: Readonly<Record<string, string>> = {
  "0": "001e12121212121e0000",
  "1": "001c04040404041e0000",
  "2": "001e02020408181e0000",
  "3": "001e02060e02021e0000",
  "4": "00060e0e163e06060000",
  "5": "001c101c0202021e0000",
  "6": "001e101c1212121e0000",
  "7": "001e0204040408080000",
  "8": "001e12121e12121e0000",
  "9": "001e1212160a021c0000",
  "a": "00000c120612121e0000",
  "b": "1010141a1213121e0000",
  "c": "000006181010100e0000",
  "d": "02020a161212121e0000",
  "e": "00000c12121e101e0000",
  "f": "060c1e0c080808080000",
  "g": "000008161212121e021e",
  "h": "1010141a121212120000",
  "i": "0000080c0404041e0000",
  "j": "04040804040404040418",
  "k": "101010161c1c12130000",
  "l": "18080808080808060000",
  "m": "00000a3f2d2525250000",
  "n": "0000041a121212120000",
  "o": "00000c121212121e0000",
  "p": "0000041a1212121e1010",
  "q": "000008161212121e0202",
  "r": "0000020c080808080000",
  "s": "00000c10180e021e0000",
  "t": "00081e080808080e0000",
  "u": "000000121212121e0000",
  "v": "00000012121e0c0c0000",
  "w": "000021212d1e1e120000",
  "x": "000000120c0c1e120000",
  "y": "00000012120e0c0c0818",
  "z": "00001e060408181e0000",
  ".": "000000000000000c0000",
  ":": "0000000c0000000c0000",
  "-": "00000000000c00000000",
  "_": "00000000000000000000",
  "%": "001828380c0705060000",
  "(": "00040c08080808040400",
  ")": "00080c040404040c0800",
  "/": "000206040c0808101000",
  " ": "00000000000000000000",
};

const MISSING = '003f2121212121213f00';

/** The rows of a character's glyph (bit 5 = leftmost pixel). */
export function glyphRows(ch: string): number[] {
  const hex = GLYPHS[ch.toLowerCase()] ?? MISSING;
  return Array.from({ length: GLYPH_HEIGHT }, (_, y) => parseInt(hex.slice(2 * y, 2 * y + 2), 16));
}
