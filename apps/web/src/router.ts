import { useEffect, useState } from 'preact/hooks';

/** The console's pages, under /ui (the API serves index.html for every path below it). */
export type Page =
  | { name: 'home'; tag: string }
  | { name: 'login'; next: string }
  | { name: 'sweep'; id: string }
  | { name: 'run'; id: string }
  | { name: 'compare'; runs: string[] }
  | { name: 'missing'; path: string };

export const BASE = '/ui';

/** The page a location shows. */
export function pageOf(pathname: string, search: string): Page {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) || '/' : pathname;
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'home', tag: query.get('tag') ?? '' };
  if (parts[0] === 'login' && parts.length === 1) return { name: 'login', next: query.get('next') ?? `${BASE}/` };
  if (parts[0] === 'sweeps' && parts.length === 2) return { name: 'sweep', id: parts[1]! };
  if (parts[0] === 'runs' && parts.length === 2) return { name: 'run', id: parts[1]! };
  if (parts[0] === 'compare' && parts.length === 1) return { name: 'compare', runs: (query.get('runs') ?? '').split(',').filter(Boolean) };
  return { name: 'missing', path };
}

/** Goes to `href` without reloading the page. */
export function navigate(href: string): void {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The current page, following history navigation. */
export function usePage(): Page {
  const [page, setPage] = useState(() => pageOf(location.pathname, location.search));
  useEffect(() => {
    const update = () => setPage(pageOf(location.pathname, location.search));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return page;
}

/** Click handler of in-app links: plain clicks stay in the app, modified clicks open tabs as usual. */
export function followLink(event: MouseEvent): void {
  const anchor = (event.target as Element).closest('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download') || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
