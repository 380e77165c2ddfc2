import { useState } from 'preact/hooks';
import { BASE } from '../router';
import { parseTags, tagHref } from '../tags';

/** Tags as links to the home page filtered by each (the home page's rows and filter use the same). */
export function TagChips({ tags }: { tags: string[] }) {
  return (
    <span class="chips">
      {tags.map((t) => (
        <a key={t} class="chip" href={tagHref(BASE, t)} title={`Sweeps tagged ${t}`}>
          {t}
        </a>
      ))}
    </span>
  );
}

export interface AnnotationsPatch {
  tags: string[];
  note: string;
}

/**
 * The tags and note of a sweep or a run, shown with an Edit button that turns them into a form;
 * `save` sends the PATCH, and its error (the API names the bad field) stays on the form.
 */
export function Annotations({ tags, note, save }: { tags: string[]; note: string; save(patch: AnnotationsPatch): Promise<unknown> }) {
  const [editing, setEditing] = useState(false);
  const [tagText, setTagText] = useState('');
  const [noteText, setNoteText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const edit = () => {
    setTagText(tags.join(', '));
    setNoteText(note);
    setError(null);
    setEditing(true);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await save({ tags: parseTags(tagText), note: noteText });
      setEditing(false);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!editing) {
    return (
      <div class="annotations">
        {tags.length > 0 ? <TagChips tags={tags} /> : <span class="muted">no tags</span>}{' '}
        <button type="button" class="link" onClick={edit}>
          edit tags and note
        </button>
        {note && <p class="note">{note}</p>}
      </div>
    );
  }
  return (
    <form class="annotations editing" onSubmit={submit}>
      <label>
        Tags <input value={tagText} size={40} placeholder="baseline, paper-table-1" aria-label="Tags" onInput={(e) => setTagText((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Note <textarea value={noteText} rows={3} cols={60} maxLength={10_000} aria-label="Note" onInput={(e) => setNoteText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <span>
        <button type="submit">Save</button>{' '}
        <button type="button" class="link" onClick={() => setEditing(false)}>
          cancel
        </button>
      </span>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
