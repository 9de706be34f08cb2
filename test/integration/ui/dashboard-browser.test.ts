// The dashboard in a real browser (Debian's chromium through playwright-core): log in with the
// token, see a container the docker CLI starts appear without reload, read a log line printed
// after the page opened, `echo hi` in the exec terminal, stop the container from the page, pull
// from a local `berth registry` with progress to done, remove the image, and a cross-site POST
// refused. Screenshots go to test-output/dashboard/ (git-ignored); page weight and the time to
// render 500 containers are printed (a benchmark, not asserted).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dashboardLogin } from '../../support/dashboard-client.js';
import { chromiumMissing, launchChromium } from '../../support/chromium.js';
import { REPO_ROOT } from '../../support/repo-paths.js';
import { startRegistry, type RegistryProcess } from '../registry/server/harness.js';
import { buildWebBundle } from '../../../src/ui/build-web-bundle.js';

// Code handed to page.evaluate/waitForFunction runs in the browser, where these exist (the tests'
// tsconfig has no DOM library).
type PageNode = { textContent: string | null };
declare const document: { querySelector(s: string): PageNode | null; querySelectorAll(s: string): PageNode[] & ArrayLike<PageNode> };
declare const location: { hash: string };
declare function requestAnimationFrame(cb: (t: unknown) => void): number;

const SHOTS = join(REPO_ROOT, 'test-output', 'dashboard');
const missing = chromiumMissing();

describe('the dashboard in chromium', { skip: missing }, () => {
  let d: TestDaemon;
  let reg: RegistryProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let base = '';
  let imageRef = '';
  const afters: Array<() => Promise<void> | void> = [];
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const state = async (name: string) => (await d.docker(['inspect', '-f', '{{.State.Status}}', name])).stdout.trim();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildWebBundle();
    const root = mkdtempSync(join(tmpdir(), 'berth-ui-reg-'));
    afters.push(() => rmSync(root, { recursive: true, force: true }));
    reg = await startRegistry({ after: (fn) => void afters.push(fn) }, root, ['--delete']);
    d = await startTestDaemon({ args: ['--ui-registry', reg.url] });
    imageRef = `${new URL(reg.url).host}/ui/busybox:1`;
    assert.equal((await d.docker(['tag', 'busybox', imageRef])).code, 0);
    const push = await d.docker(['push', imageRef]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await d.docker(['rmi', imageRef])).code, 0);
    browser = await launchChromium();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await d?.stop();
    for (const fn of afters.reverse()) await fn();
  });

  it('logs in with the one-time token and loads within the weight budget', async () => {
    const login = await dashboardLogin(d);
    base = login.url.origin;
    const sizes = new Map<string, number>();
    page.on('response', (r) => {
      const len = Number(r.headers()['content-length'] ?? 0);
      if (r.url().startsWith(base) && !r.url().includes('/api/')) sizes.set(new URL(r.url()).pathname, len);
    });
    await page.goto(login.url.href);
    await page.waitForSelector('h1:text("Containers")');
    assert.equal(new URL(page.url()).pathname, '/');
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    console.log(`dashboard first load: ${(total / 1024).toFixed(1)} KB compressed (${[...sizes].map(([p, n]) => `${p} ${n}`).join(', ')})`);
    assert.ok(total <= 300 * 1024, `first load ${total} bytes`);
  });

  it('shows a container started by the docker CLI without reload', async () => {
    assert.equal((await d.docker(['run', '-d', '--name', 'web1', 'busybox', 'sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.2; done; echo printed-after-open; sleep 600'])).code, 0);
    await page.waitForSelector('tr[data-name="web1"][data-state="running"]', { timeout: 15_000 });
    await shot('containers');
  });

  it('shows a log line printed after the logs opened', async () => {
    await page.click('tr[data-name="web1"] a');
    await page.waitForSelector('.facts');
    await shot('container-detail');
    await page.click('.tabs button:text("logs")');
    await page.waitForSelector('.log-lines');
    assert.equal((await d.docker(['exec', 'web1', 'touch', '/tmp/go'])).code, 0);
    await page.waitForFunction(() => document.querySelector('.log-lines')?.textContent?.includes('printed-after-open'), undefined, { timeout: 15_000 });
    await shot('container-logs');
  });

  it('runs `echo hi` in the exec terminal', async () => {
    await page.click('.tabs button:text("terminal")');
    await page.waitForSelector('[data-terminal-status="connected"]', { timeout: 15_000 });
    await page.waitForSelector('.xterm-helper-textarea');
    await page.focus('.xterm-helper-textarea');
    await page.keyboard.type('echo hi\n');
    await page.waitForFunction(() => [...document.querySelectorAll('.xterm-rows > div')].some((r) => r.textContent?.trim() === 'hi'), undefined, { timeout: 15_000 });
    await shot('container-terminal');
  });

  it('stops the container from the page, with confirmation', async () => {
    await page.goto(`${base}/#/containers`);
    await page.click('tr[data-name="web1"] button:text("Stop")');
    await page.click('dialog.confirm button.danger');
    await page.waitForSelector('tr[data-name="web1"][data-state="exited"]', { timeout: 30_000 });
    assert.equal(await state('web1'), 'exited');
  });

  it('pulls from a local berth registry with progress to done, then removes the image', async () => {
    await page.goto(`${base}/#/images`);
    await page.fill('input[name="pull"]', imageRef);
    await page.click('button:text("Pull")');
    await page.waitForFunction(() => /\ndone$/.test(document.querySelector('[data-progress-log]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const bars = await page.$$eval('.layer progress', (ps) => ps.map((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max]));
    assert.ok(bars.length >= 1, 'a progress bar per layer');
    for (const [v, m] of bars) assert.equal(v, m, 'each layer reached done');
    await page.waitForSelector(`tr[data-image="${imageRef}"]`);
    await shot('images');
    await page.click(`tr[data-image="${imageRef}"] button:text("Remove")`);
    await page.click('dialog.confirm button.danger');
    await page.waitForSelector(`tr[data-image="${imageRef}"]`, { state: 'detached', timeout: 15_000 });
    const left = await d.docker(['image', 'inspect', imageRef]);
    assert.notEqual(left.code, 0);
  });

  it('refuses a POST from another site', async () => {
    assert.equal((await d.docker(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '600'])).code, 0);
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<form id="f" method="POST" action="${base}/api/v1.47/containers/victim/stop"></form>
        <script>fetch(${JSON.stringify(`${base}/api/v1.47/containers/victim/kill`)}, { method: 'POST', credentials: 'include', mode: 'no-cors' }).finally(() => document.getElementById('f').submit());</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (evil.address() as { port: number }).port;
      const statuses: number[] = [];
      const attacker = await browser.context.newPage();
      attacker.on('response', (r) => r.url().includes('/containers/victim/') && statuses.push(r.status()));
      await attacker.goto(`http://127.0.0.1:${port}/`);
      await attacker.waitForURL(/containers\/victim\/stop/, { timeout: 10_000 });
      await attacker.close();
      assert.ok(statuses.length >= 1 && statuses.every((s) => s === 401 || s === 403), `statuses ${statuses}`);
      assert.equal(await state('victim'), 'running');
    } finally {
      evil.close();
    }
  });

  it('drives a compose project: stop, up, one service logs, down', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-ui-compose-'));
    afters.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    image: busybox\n    command: ["sh", "-c", "echo app-started; exec sleep 600"]\n');
    const up = await d.berth(['compose', '-p', 'uiproj', '-f', join(dir, 'compose.yaml'), 'up', '-d'], { timeoutMs: 60_000 });
    assert.equal(up.code, 0, up.stderr);
    await page.goto(`${base}/#/compose`);
    const card = '[data-project="uiproj"]';
    await page.waitForSelector(`${card} [data-project-state]:text("1 of 1 running")`, { timeout: 15_000 });
    await page.click(`${card} button:text("Stop")`);
    await page.click('dialog.confirm button.danger');
    await page.waitForSelector(`${card} [data-project-state]:text("0 of 1 running")`, { timeout: 30_000 });
    await page.click(`${card} button:text("Up")`);
    await page.waitForSelector(`${card} [data-project-state]:text("1 of 1 running")`, { timeout: 60_000 });
    await page.click(`${card} tr[data-service="app"] button:text("Logs")`);
    await page.waitForFunction(() => document.querySelector('[data-service-logs]')?.textContent?.includes('uiproj-app-1  | app-started'), undefined, { timeout: 15_000 });
    await shot('compose');
    await page.click(`${card} button:text("Down")`);
    await page.click('dialog.confirm button.danger');
    await page.waitForSelector(card, { state: 'detached', timeout: 60_000 });
    assert.equal((await d.docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=uiproj'])).stdout, '');
    assert.notEqual((await d.docker(['network', 'inspect', 'uiproj_default'])).code, 0);
  });

  it('browses the registry: repository, tags, manifest, delete a tag', async () => {
    const second = `${new URL(reg.url).host}/ui/busybox:2`;
    assert.equal((await d.docker(['tag', 'busybox', second])).code, 0);
    assert.equal((await d.docker(['push', second])).code, 0);
    await page.goto(`${base}/#/registry`);
    const repo = '[data-repository="ui/busybox"]';
    await page.waitForSelector(`${repo} tr[data-tag="2"]`, { timeout: 15_000 });
    await page.click(`${repo} tr[data-tag="2"] button:text("Manifest")`);
    await page.waitForFunction(() => /schemaVersion/.test(document.querySelector('[data-manifest]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.match((await page.textContent('[data-manifest] dd')) ?? '', /^sha256:[0-9a-f]{64}$/);
    await shot('registry');
    await page.click(`${repo} tr[data-tag="2"] button:text("Delete")`);
    await page.click('dialog.confirm button.danger');
    await page.waitForSelector(`${repo} tr[data-tag="2"]`, { state: 'detached', timeout: 15_000 });
    const tags = (await (await fetch(`${reg.url}/v2/ui/busybox/tags/list`)).json()) as { tags: string[] };
    assert.ok(!tags.tags.includes('2') && tags.tags.includes('1'), `tags ${tags.tags}`);
  });

  it('takes screenshots of the other pages, light and dark, laptop and phone', async () => {
    for (const p of ['volumes', 'networks', 'system', 'events']) {
      await page.goto(`${base}/#/${p}`);
      await page.waitForSelector('h1');
      await page.waitForTimeout(300);
      await shot(p);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/#/containers`);
    await page.waitForSelector('tr[data-name="victim"]');
    await shot('containers-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await shot('containers-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('renders 500 containers (benchmark, printed)', async () => {
    const fake = Array.from({ length: 500 }, (_, i) => ({
      Id: (i.toString(16).padStart(4, '0') + 'f'.repeat(60)).slice(0, 64), Names: [`/bench-${i}`], Image: 'busybox', State: 'exited', Status: 'Exited (0)',
      Created: Math.floor(Date.now() / 1000) - i * 60, Ports: [], Labels: i % 5 === 0 ? { 'com.docker.compose.project': `proj${i % 3}` } : {},
    }));
    await page.route('**/api/v1.47/containers/json?all=1', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(fake) }));
    await page.goto(`${base}/#/events`);
    await page.waitForSelector('h1:text("Events")');
    const ms = await page.evaluate(async () => {
      const t0 = performance.now();
      location.hash = '#/containers';
      while (document.querySelectorAll('table.containers tr[data-name]').length < 500) await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    });
    console.log(`containers page: 500 containers rendered in ${ms.toFixed(0)} ms (fetch included)`);
    await page.unroute('**/api/v1.47/containers/json?all=1');
  });
});
