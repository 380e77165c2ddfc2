import type { ArtifactInfo, ArtifactReadStream, ArtifactStore, StoredArtifact } from './artifact-store';

/**
 * Checkpoints kept per run after each save when the run does not say (`train.keepCheckpoints`):
 * the newest, and one in case it is torn.
 */
export const DEFAULT_CHECKPOINTS_KEPT = 2;

/** A run's checkpoints over an ArtifactStore (kind 'checkpoint'). */
export class CheckpointStore {
  constructor(
    readonly artifacts: ArtifactStore,
    private readonly keep = DEFAULT_CHECKPOINTS_KEPT,
  ) {}

  /** Saves the checkpoint of `step` (idempotent) and deletes the run's older ones beyond the newest `keep`. */
  async saveCheckpoint(runId: string, step: number, bytes: Uint8Array, keep = this.keep): Promise<void> {
    await this.artifacts.put({ runId, kind: 'checkpoint', step }, bytes);
    await this.artifacts.prune(runId, 'checkpoint', keep);
  }

  /** The newest checkpoint (what a retried job resumes from), or null. */
  latestCheckpoint(runId: string): Promise<StoredArtifact | null> {
    return this.artifacts.latest(runId, 'checkpoint');
  }

  /** The checkpoint of `step`, or null. */
  async checkpointAt(runId: string, step: number): Promise<StoredArtifact | null> {
    const bytes = await this.artifacts.get({ runId, kind: 'checkpoint', step });
    return bytes ? { step, bytes } : null;
  }

  /** The newest checkpoint (or that of `step`) as a chunked read, for downloads; null when absent. */
  openCheckpoint(runId: string, step?: number): Promise<ArtifactReadStream | null> {
    return this.artifacts.openRead(runId, 'checkpoint', step);
  }

  /** The run's checkpoints (step, size, when written), by ascending step. */
  listCheckpoints(runId: string): Promise<ArtifactInfo[]> {
    return this.artifacts.list(runId, 'checkpoint');
  }

  /** Steps with a checkpoint, ascending. */
  checkpointSteps(runId: string): Promise<number[]> {
    return this.artifacts.steps(runId, 'checkpoint');
  }
}
