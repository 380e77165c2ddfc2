import type { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { mutateReturning } from '../sql';

/** What PATCH /sweeps/:id and PATCH /runs/:id change: the fields given replace the stored ones. */
export interface Annotations {
  tags?: string[];
  note?: string;
}

/** The filters of a listing: all of `tags`, one `status` (each optional). */
export interface AnnotatedFilter {
  tags?: string[];
  status?: string;
}

/**
 * Replaces the given tags and note of row `id` of `table` in one statement (a missing field keeps
 * its value). False when there is no such row.
 */
export async function annotate(ds: DataSource, table: 'sweeps' | 'runs', id: string, patch: Annotations): Promise<boolean> {
  const rows = await mutateReturning(
    ds,
    `UPDATE ${table} SET tags = coalesce($2::text[], tags), note = coalesce($3::text, note) WHERE id = $1 RETURNING id`,
    [id, patch.tags ?? null, patch.note ?? null],
  );
  return rows.length > 0;
}

/** Narrows a listing to rows carrying every tag of the filter (`@>`, which the GIN index answers) and of its status. */
export function whereAnnotated<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias: string, filter: AnnotatedFilter): SelectQueryBuilder<T> {
  if (filter.tags && filter.tags.length > 0) qb.andWhere(`${alias}.tags @> CAST(:tags AS text[])`, { tags: filter.tags });
  if (filter.status) qb.andWhere(`${alias}.status = :status`, { status: filter.status });
  return qb;
}

/** `q` as a LIKE pattern matching it anywhere, its own `%`, `_` and `\` taken literally. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`;
}
