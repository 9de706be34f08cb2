// The dashboard's entry: checks the session (the login URL set its cookie), then shows the page
// the URL hash names. Every page is live through /events.
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '@xterm/xterm/css/xterm.css';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { startSession, logout as endSession } from './api';
import { onEvent } from './events';
import { ContainersPage } from './pages/containers';
import { ContainerDetailPage } from './pages/container-detail';
import { ImagesPage } from './pages/images';
import { VolumesPage } from './pages/volumes';
import { NetworksPage } from './pages/networks';
import { SystemPage, EventsPage } from './pages/system';
import { ComposePage } from './pages/compose';
import { RegistryPage } from './pages/registry';

const NAV = [
  ['containers', 'Containers'],
  ['compose', 'Compose'],
  ['images', 'Images'],
  ['volumes', 'Volumes'],
  ['networks', 'Networks'],
  ['registry', 'Registry'],
  ['system', 'System'],
  ['events', 'Events'],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = (): void => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Page({ path }: { path: string[] }) {
  const [top, id] = path;
  if (top === 'containers' && id) return html`<${ContainerDetailPage} key=${id} id=${id} />`;
  if (top === 'compose') return html`<${ComposePage} />`;
  if (top === 'registry') return html`<${RegistryPage} />`;
  if (top === 'images') return html`<${ImagesPage} />`;
  if (top === 'volumes') return html`<${VolumesPage} />`;
  if (top === 'networks') return html`<${NetworksPage} />`;
  if (top === 'system') return html`<${SystemPage} />`;
  if (top === 'events') return html`<${EventsPage} />`;
  return html`<${ContainersPage} />`;
}

function App() {
  const path = useHash().replace(/^#\/?/, '').split('/').filter(Boolean);
  const logout = async () => {
    await endSession().catch(() => undefined);
    location.reload();
  };
  return html`<div class="shell">
    <nav class="side"><a class="brand" href="#/containers">berth</a>
      ${NAV.map(([p, label]) => html`<a href=${`#/${p}`} class=${(path[0] ?? 'containers') === p ? 'on' : ''}>${label}</a>`)}
      <button class="link logout" onClick=${logout}>Log out</button></nav>
    <main><${Page} path=${path} /></main>
  </div>`;
}

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  if (!(await startSession())) {
    root.innerHTML = '<p class="empty">Not logged in: run <code>berth dashboard</code> for a login link.</p>';
    return;
  }
  onEvent(() => undefined);
  render(html`<${App} />`, root);
}

void boot();
