import { routes } from '@ablate/contract';
import type { ComponentChildren } from 'preact';
import { call } from '../api';
import { BASE, followLink, navigate } from '../router';

async function signOut(): Promise<void> {
  await call(routes.signOut);
  navigate(`${BASE}/login`);
}

/** The frame of every signed-in page: the name, the navigation, sign-out. */
export function Layout({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <div class="page" onClick={(e) => followLink(e as unknown as MouseEvent)}>
      <header class="top">
        <a class="brand" href={`${BASE}/`}>
          Ablate
        </a>
        <nav>
          <a href={`${BASE}/`}>Sweeps</a>
          <a href={`${BASE}/compare`}>Compare</a>
          <a href="/docs" target="_blank" rel="noreferrer">
            API
          </a>
          <a href="/queues" target="_blank" rel="noreferrer">
            Queues
          </a>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        <div class="title-row">
          <h1>{title}</h1>
          <div class="actions">{actions}</div>
        </div>
        {children}
      </main>
    </div>
  );
}

/** An error from the API, said plainly. */
export function Failure({ error }: { error: Error }) {
  return (
    <p class="error" role="alert">
      {error.message}
    </p>
  );
}

/** A section with a heading. */
export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
