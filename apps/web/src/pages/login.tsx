import { routes } from '@ablate/contract';
import { useState } from 'preact/hooks';
import { ApiError, call } from '../api';
import { BASE, navigate } from '../router';

/**
 * Sign-in: the API key is posted once to /session, which answers with the HttpOnly cookie every
 * later request carries. The key never appears in a URL, and no script can read it afterwards.
 */
export function LoginPage({ next }: { next: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(routes.signIn, { body: { key } });
      navigate(next.startsWith(BASE) ? next : `${BASE}/`);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That key is not valid.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>Ablate</h1>
        <p class="muted">Ablation studies of object detectors. Sign in with an API key (ABLATE_API_KEYS).</p>
        <label>
          API key
          <input name="key" type="password" autoComplete="current-password" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required autoFocus />
        </label>
        <button type="submit" disabled={busy || key.length === 0}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
