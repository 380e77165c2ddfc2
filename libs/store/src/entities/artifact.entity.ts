import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A binary artifact of a run (checkpoints), kept in PostgreSQL by `PgArtifactStore`. Table `artifacts`. */
@Entity({ name: 'artifacts' })
export class ArtifactEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId!: string;
  @PrimaryColumn({ type: 'varchar', length: 32 }) kind!: string;
  @PrimaryColumn({ type: 'int' }) step!: number;
  @Column({ type: 'bytea' }) bytes!: Buffer;
  @Column({ name: 'size_bytes', type: 'int' }) sizeBytes!: number;
  @Column({ type: 'char', length: 64 }) sha256!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
