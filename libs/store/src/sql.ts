/** Anything with TypeORM's `query` (DataSource, EntityManager, QueryRunner). */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Runs an UPDATE or DELETE … RETURNING and gives its rows. TypeORM's PostgreSQL driver answers
 * those two commands with `[rows, rowCount]` rather than the rows alone.
 */
export async function mutateReturning<T>(q: Queryable, sql: string, params: unknown[]): Promise<T[]> {
  const result = await q.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
