import { z } from 'zod';
import { contractSchemas } from './common';

/**
 * What a researcher writes on a sweep or a run: tags to find it again (`baseline`, `paper-table-1`)
 * and a free-text note. Defined here, once, so the sweep spec (@ablate/jobs), the PATCH bodies,
 * the store's limits and every client agree on the same rules.
 */
export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 64;
export const MAX_NOTE_LENGTH = 10_000;

/** One tag: trimmed, 1–64 characters, no comma (a comma separates tags in `?tag=a,b`). */
export const TagSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_TAG_LENGTH, `must be at most ${MAX_TAG_LENGTH} characters`)
  .refine((t) => !t.includes(','), 'must not contain a comma (?tag=a,b lists tags)');

/** A set of tags as a list: at most 32, each once (compared after trimming). */
export const TagsSchema = z
  .array(TagSchema)
  .max(MAX_TAGS, `must list at most ${MAX_TAGS} tags`)
  .superRefine((tags, ctx) => {
    const seen = new Set<string>();
    tags.forEach((tag, i) => {
      if (seen.has(tag)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicates the tag ${JSON.stringify(tag)}` });
      seen.add(tag);
    });
  });

/** A note: free text, up to 10,000 characters ('' is no note). */
export const NoteSchema = z.string().max(MAX_NOTE_LENGTH, `must be at most ${MAX_NOTE_LENGTH} characters`);

/** The body of `PATCH /sweeps/:id` and `PATCH /runs/:id`: what it names is replaced, the rest kept. */
const patchShape = {
  tags: TagsSchema.optional().describe('Replaces the tags (trimmed, 1–64 characters each, at most 32, no duplicates)'),
  note: NoteSchema.optional().describe("Replaces the note (up to 10,000 characters; '' clears it)"),
};

export const SweepPatchSchema = z.object(patchShape).strict().register(contractSchemas, { id: 'SweepPatch', description: "A sweep's tags and note" });
export type SweepPatch = z.infer<typeof SweepPatchSchema>;

export const RunPatchSchema = z.object(patchShape).strict().register(contractSchemas, { id: 'RunPatch', description: "A run's tags and note" });
export type RunPatch = z.infer<typeof RunPatchSchema>;
