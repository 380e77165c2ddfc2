import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACT_CHUNK_BYTES, type ArtifactInfo, type ArtifactReadStream, type ArtifactRef, type ArtifactStore, type StoredArtifact } from './artifact-store';

const FILE = /^(\d+)\.bin$/;

/**
 * Artifacts as files `<root>/<runId>/<kind>/<step>.bin` on storage every worker mounts (NFS …).
 * Writes go to a temporary file renamed into place, so a reader never sees half a checkpoint.
 */
export class DirectoryArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private dir(runId: string, kind: string): string {
    if (!/^[\w-]+$/.test(runId) || !/^[\w-]+$/.test(kind)) throw new Error(`invalid artifact ref ${runId}/${kind}`);
    return join(this.root, runId, kind);
  }

  private file(ref: ArtifactRef): string {
    return join(this.dir(ref.runId, ref.kind), `${ref.step}.bin`);
  }

  async put(ref: ArtifactRef, bytes: Uint8Array): Promise<void> {
    await mkdir(this.dir(ref.runId, ref.kind), { recursive: true });
    const target = this.file(ref);
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }

  async get(ref: ArtifactRef): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.file(ref)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** A file stream: the file was renamed into place whole, and an open descriptor survives a prune. */
  async openRead(runId: string, kind: string, step?: number): Promise<ArtifactReadStream | null> {
    const found = step ?? (await this.steps(runId, kind)).at(-1);
    if (found === undefined) return null;
    const file = this.file({ runId, kind, step: found });
    try {
      const { size } = await stat(file);
      return { step: found, size, chunks: createReadStream(file, { highWaterMark: ARTIFACT_CHUNK_BYTES }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** A file pruned between the listing and its stat is left out. */
  async list(runId: string, kind: string): Promise<ArtifactInfo[]> {
    const infos = await Promise.all(
      (await this.steps(runId, kind)).map(async (step) => {
        const s = await stat(this.file({ runId, kind, step })).catch(() => null);
        return s && { step, bytes: s.size, createdAt: s.mtime };
      }),
    );
    return infos.filter((i): i is ArtifactInfo => i !== null);
  }

  async steps(runId: string, kind: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir(runId, kind));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names
      .map((n) => FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  async latest(runId: string, kind: string): Promise<StoredArtifact | null> {
    const steps = await this.steps(runId, kind);
    for (let i = steps.length - 1; i >= 0; i--) {
      const bytes = await this.get({ runId, kind, step: steps[i] });
      if (bytes) return { step: steps[i], bytes };
    }
    return null;
  }

  async prune(runId: string, kind: string, keep: number): Promise<number> {
    const steps = await this.steps(runId, kind);
    const drop = steps.slice(0, Math.max(0, steps.length - keep));
    await Promise.all(drop.map((step) => rm(this.file({ runId, kind, step }), { force: true })));
    return drop.length;
  }
}
