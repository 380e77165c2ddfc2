/** A timestamp as @ablate/contract sends it (ISO 8601, UTC: what JSON.stringify makes of a Date). */
export function iso(d: Date): string;
export function iso(d: Date | null): string | null;
export function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}
