/**
 * Tags as a researcher types them in one field: `baseline, paper-table-1`. Split at commas (a tag
 * never holds one), trimmed, empty ones dropped, each kept once in the order typed; the API checks
 * the rest (length, count) and names what is wrong.
 */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t.length > 0))];
}

/** The home page's URL listing the sweeps carrying `tag`. */
export function tagHref(base: string, tag: string): string {
  return `${base}/?tag=${encodeURIComponent(tag)}`;
}
