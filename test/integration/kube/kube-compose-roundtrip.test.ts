// The acceptance on real containers: the three-service compose app → kube generate →
// every document validates against the Kubernetes schemas → compose down → kube play of that YAML
// → the worker fetches from web by its name again → kube down leaves nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { appFile } from '../compose/three-service-app.js';
import { validateKubeObject } from '../../unit/kube/kube-schemas.js';

describe('berth kube: compose project → generate → play → down', () => {
  let d: TestDaemon;
  let dir: string;
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/bkube-');
    writeFileSync(join(dir, 'compose.yaml'), appFile('kube'));
  });
  after(async () => {
    await d?.berth(['kube', 'down', join(dir, 'app.yaml')]).catch(() => undefined);
    await d?.berth(['compose', '-p', 'app', '-f', join(dir, 'compose.yaml'), 'down', '-v', '-t', '1']).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const workerFetches = async (container: string): Promise<string> => {
    let out = '';
    for (let i = 0; i < 60 && !/kube hello/.test(out); i++) {
      await new Promise((r) => setTimeout(r, 500));
      const l = await d.docker(['logs', container]);
      out = l.stdout + l.stderr;
    }
    return out;
  };

  it('generates valid Kubernetes YAML from the running project and from its files', async () => {
    const up = await d.berth(['compose', '-p', 'app', '-f', join(dir, 'compose.yaml'), 'up', '-d', '--wait'], { timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    const fromEngine = await d.berth(['kube', 'generate', '-p', 'app', '-s']);
    assert.equal(fromEngine.code, 0, fromEngine.stderr);
    const fromFiles = await d.berth(['kube', 'generate', '--compose-file', join(dir, 'compose.yaml'), '-p', 'app', '-s', '-f', join(dir, 'app.yaml')]);
    assert.equal(fromFiles.code, 0, fromFiles.stderr);
    for (const text of [fromEngine.stdout, readFileSync(join(dir, 'app.yaml'), 'utf8')]) {
      const docs = parseAllDocuments(text);
      assert.ok(Array.isArray(docs));
      docs.forEach((doc, i) => validateKubeObject(doc.toJS() as Record<string, unknown>, `document ${i + 1}`));
      const kinds = docs.map((doc) => `${doc.get('kind')}/${(doc.toJS() as { metadata: { name: string } }).metadata.name}`);
      for (const k of ['PersistentVolumeClaim/app-data', 'Pod/web', 'Pod/worker', 'Pod/migrate', 'Service/web']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(' ')}`);
    }
    assert.match(fromEngine.stdout, /image: docker\.io\/library\/busybox:latest/);
  });

  it('compose down, then kube play brings the app back: the worker reaches web by name', async () => {
    const down = await d.berth(['compose', '-p', 'app', '-f', join(dir, 'compose.yaml'), 'down', '-v', '-t', '1']);
    assert.equal(down.code, 0, down.stderr);
    const play = await d.berth(['kube', 'play', join(dir, 'app.yaml')], { timeoutMs: 120_000 });
    assert.equal(play.code, 0, play.stderr);
    assert.match(play.stdout, /Pod:\nweb\n/);
    assert.match(await workerFetches('worker-worker'), /kube hello/);
    const migrate = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'migrate-migrate']);
    assert.match(migrate.stdout, /exited 0|running 0/);
    const labels = await d.docker(['inspect', '-f', '{{index .Config.Labels "io.berth.kube.object"}} {{index .Config.Labels "app"}}', 'web-web']);
    assert.equal(labels.stdout, 'Pod/web web\n');
  });

  it('kube down removes everything play made', async () => {
    const down = await d.berth(['kube', 'down', join(dir, 'app.yaml')], { timeoutMs: 60_000 });
    assert.equal(down.code, 0, down.stderr);
    assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
    assert.equal((await d.docker(['volume', 'ls', '-q'])).stdout, '');
    assert.doesNotMatch((await d.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout, /berth-kube/);
  });
});
