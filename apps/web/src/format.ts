/** Formatting shared by the pages: stats as percentages (COCO's convention in papers), durations, values. */

/** 0.3712 → "37.1"; −1 (no ground truth in the range) and null → "–". */
export function pct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || value < 0 || !Number.isFinite(value)) return '–';
  return (value * 100).toFixed(digits);
}

/** Mean ± std as percentages: "37.1 ± 0.4", or "37.1" for one value. */
export function meanStd(mean: number | null, std: number | null): string {
  if (mean === null) return '–';
  return std === null ? pct(mean) : `${pct(mean)} ± ${pct(std)}`;
}

/** Seconds → "1 h 02 min", "3 min 05 s", "42 s". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** A config value as a cell shows it: lists in brackets, strings bare. */
export function value(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** An ISO time as local date and time, to the minute. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
}

/** The short form of a UUID, for tables. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
