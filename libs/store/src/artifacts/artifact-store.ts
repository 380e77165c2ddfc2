/** Names one artifact: a run's artifact of a kind at a step (checkpoints: kind 'checkpoint'). */
export interface ArtifactRef {
  runId: string;
  kind: string;
  step: number;
}

export interface StoredArtifact {
  step: number;
  bytes: Uint8Array;
}

/** One artifact as a listing shows it: its step, its size and when it was written. */
export interface ArtifactInfo {
  step: number;
  bytes: number;
  createdAt: Date;
}

/** An artifact read piece by piece: memory stays at one chunk however large the artifact. */
export interface ArtifactReadStream {
  step: number;
  /** Total bytes (for Content-Length). */
  size: number;
  /** The bytes in order, a chunk at a time. */
  chunks: AsyncIterable<Uint8Array>;
}

/** Bytes a streamed read holds at once. */
export const ARTIFACT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Where run artifacts (checkpoints) live. `PgArtifactStore` (the default) keeps them in
 * PostgreSQL, so workers on other machines need nothing shared but the database;
 * `DirectoryArtifactStore` writes files to a directory on shared storage.
 * Writes are idempotent: putting the same ref again overwrites it.
 */
export interface ArtifactStore {
  put(ref: ArtifactRef, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when absent. */
  get(ref: ArtifactRef): Promise<Uint8Array | null>;
  /** The artifact of this kind with the highest step, or null. */
  latest(runId: string, kind: string): Promise<StoredArtifact | null>;
  /** A chunked read of (run, kind) at `step`, or of its highest step when `step` is undefined; null when absent. */
  openRead(runId: string, kind: string, step?: number): Promise<ArtifactReadStream | null>;
  /** What is held for (run, kind), by ascending step. */
  list(runId: string, kind: string): Promise<ArtifactInfo[]>;
  /** Steps held for (run, kind), ascending. */
  steps(runId: string, kind: string): Promise<number[]>;
  /** Deletes all but the `keep` highest steps of (run, kind); returns how many were deleted. */
  prune(runId: string, kind: string, keep: number): Promise<number>;
}
