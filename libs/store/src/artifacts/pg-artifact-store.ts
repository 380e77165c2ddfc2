import { mutateReturning } from '../sql';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ARTIFACT_CHUNK_BYTES, type ArtifactInfo, type ArtifactReadStream, type ArtifactRef, type ArtifactStore, type StoredArtifact } from './artifact-store';

/** Artifacts as bytea rows of `artifacts`, keyed (run_id, kind, step). */
export class PgArtifactStore implements ArtifactStore {
  constructor(private readonly ds: DataSource) {}

  async put(ref: ArtifactRef, bytes: Uint8Array): Promise<void> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sha = createHash('sha256').update(buf).digest('hex');
    await this.ds.query(
      `INSERT INTO artifacts (run_id, kind, step, bytes, size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (run_id, kind, step) DO UPDATE SET bytes = EXCLUDED.bytes, size_bytes = EXCLUDED.size_bytes,
         sha256 = EXCLUDED.sha256, created_at = now()`,
      [ref.runId, ref.kind, ref.step, buf, buf.byteLength, sha],
    );
  }

  async get(ref: ArtifactRef): Promise<Uint8Array | null> {
    const rows: { bytes: Buffer }[] = await this.ds.query(
      `SELECT bytes FROM artifacts WHERE run_id = $1 AND kind = $2 AND step = $3`,
      [ref.runId, ref.kind, ref.step],
    );
    return rows.length > 0 ? new Uint8Array(rows[0].bytes) : null;
  }

  async latest(runId: string, kind: string): Promise<StoredArtifact | null> {
    const rows: { step: number; bytes: Buffer }[] = await this.ds.query(
      `SELECT step, bytes FROM artifacts WHERE run_id = $1 AND kind = $2 ORDER BY step DESC LIMIT 1`,
      [runId, kind],
    );
    return rows.length > 0 ? { step: rows[0].step, bytes: new Uint8Array(rows[0].bytes) } : null;
  }

  /**
   * Reads the bytea in slices (`substring`), one query per chunk, so a 67 MB checkpoint never sits
   * whole in the API's memory. The column is stored uncompressed (migration
   * 1765400000000), which lets PostgreSQL fetch a slice without decompressing the whole value.
   */
  async openRead(runId: string, kind: string, step?: number): Promise<ArtifactReadStream | null> {
    const rows: { step: number; size: string }[] = await this.ds.query(
      `SELECT step, octet_length(bytes) AS size FROM artifacts WHERE run_id = $1 AND kind = $2 ${step === undefined ? '' : 'AND step = $3'}
        ORDER BY step DESC LIMIT 1`,
      step === undefined ? [runId, kind] : [runId, kind, step],
    );
    if (rows.length === 0) return null;
    const found = rows[0].step;
    const size = Number(rows[0].size);
    const ds = this.ds;
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let offset = 0; offset < size; offset += ARTIFACT_CHUNK_BYTES) {
        const part: { chunk: Buffer }[] = await ds.query(
          `SELECT substring(bytes FROM $4 FOR $5) AS chunk FROM artifacts WHERE run_id = $1 AND kind = $2 AND step = $3`,
          [runId, kind, found, offset + 1, ARTIFACT_CHUNK_BYTES],
        );
        if (part.length === 0) throw new Error(`artifact ${runId}/${kind}/${found} was deleted while being read`);
        yield new Uint8Array(part[0].chunk.buffer, part[0].chunk.byteOffset, part[0].chunk.byteLength);
      }
    }
    return { step: found, size, chunks: chunks() };
  }

  async list(runId: string, kind: string): Promise<ArtifactInfo[]> {
    const rows: { step: number; bytes: number; created_at: Date }[] = await this.ds.query(
      `SELECT step, size_bytes AS bytes, created_at FROM artifacts WHERE run_id = $1 AND kind = $2 ORDER BY step`,
      [runId, kind],
    );
    return rows.map((r) => ({ step: r.step, bytes: r.bytes, createdAt: r.created_at }));
  }

  async steps(runId: string, kind: string): Promise<number[]> {
    const rows: { step: number }[] = await this.ds.query(
      `SELECT step FROM artifacts WHERE run_id = $1 AND kind = $2 ORDER BY step`,
      [runId, kind],
    );
    return rows.map((r) => r.step);
  }

  async prune(runId: string, kind: string, keep: number): Promise<number> {
    const rows = await mutateReturning(this.ds,
      `DELETE FROM artifacts WHERE run_id = $1 AND kind = $2 AND step NOT IN (
         SELECT step FROM artifacts WHERE run_id = $1 AND kind = $2 ORDER BY step DESC LIMIT $3)
       RETURNING step`,
      [runId, kind, keep],
    );
    return rows.length;
  }
}
