import { useEffect } from 'preact/hooks';
import { whenUnauthorized } from './api';
import { Layout } from './components/layout';
import { ComparePage } from './pages/compare';
import { HomePage } from './pages/home';
import { LoginPage } from './pages/login';
import { RunPage } from './pages/run';
import { SweepPage } from './pages/sweep';
import { BASE, navigate, usePage } from './router';

/** The console: one page per route of router.ts; an unauthorised answer anywhere leads to sign-in. */
export function App() {
  const page = usePage();
  useEffect(() => {
    whenUnauthorized(() => {
      if (!location.pathname.startsWith(`${BASE}/login`)) navigate(`${BASE}/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    });
  }, []);
  switch (page.name) {
    case 'login':
      return <LoginPage next={page.next} />;
    case 'home':
      return <HomePage tag={page.tag} />;
    case 'sweep':
      return <SweepPage key={page.id} id={page.id} />;
    case 'run':
      return <RunPage key={page.id} id={page.id} />;
    case 'compare':
      return <ComparePage runs={page.runs} />;
    case 'missing':
      return (
        <Layout title="Not found">
          <p>
            No page at <span class="mono">{page.path}</span>. <a href={`${BASE}/`}>Sweeps</a>
          </p>
        </Layout>
      );
  }
}
