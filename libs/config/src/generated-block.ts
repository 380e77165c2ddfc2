/**
 * Docs with generated parts (README's environment table, the benchmark tables) hold them between
 * a begin and an end marker; the generators rewrite only what lies between, and their specs fail
 * when it differs from what they would write.
 */

/** `text` with the block between `begin` and `end` replaced by `content`. @throws Error naming `file` when a marker is missing. */
export function replaceGeneratedBlock(text: string, markers: { begin: string; end: string }, content: string, file: string): string {
  const begin = text.indexOf(markers.begin);
  const end = text.indexOf(markers.end);
  if (begin < 0 || end < begin) throw new Error(`${file}: the generated block's markers are missing (${markers.begin} … ${markers.end})`);
  return `${text.slice(0, begin + markers.begin.length)}\n${content}\n${text.slice(end)}`;
}
