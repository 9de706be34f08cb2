// berthd's --ui flag and daemon.json's `ui` key: off by default, the flag over the file.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDaemonArgs } from '../../../src/daemon/daemon-config.js';

it('reads the dashboard address from --ui or daemon.json, off without either', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ui-config-'));
  try {
    const file = join(dir, 'daemon.json');
    const none = join(dir, 'none.json');
    assert.equal(parseDaemonArgs(['--config-file', none], {}).ui, undefined);
    assert.equal(parseDaemonArgs(['--config-file', none, '--ui', '127.0.0.1:9000'], {}).ui, '127.0.0.1:9000');
    writeFileSync(file, JSON.stringify({ ui: '127.0.0.1:9100' }));
    assert.equal(parseDaemonArgs(['--config-file', file], {}).ui, '127.0.0.1:9100');
    assert.equal(parseDaemonArgs(['--config-file', file, '--ui=:9200'], {}).ui, ':9200');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('reads the registry browser registry from --ui-registry or daemon.json; host:port alone is https', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ui-config-'));
  try {
    const file = join(dir, 'daemon.json');
    const none = join(dir, 'none.json');
    assert.equal(parseDaemonArgs(['--config-file', none], {}).uiRegistry, undefined);
    assert.equal(parseDaemonArgs(['--config-file', none, '--ui-registry', 'http://127.0.0.1:5000/'], {}).uiRegistry, 'http://127.0.0.1:5000');
    writeFileSync(file, JSON.stringify({ 'ui-registry': 'registry.example:5000' }));
    assert.equal(parseDaemonArgs(['--config-file', file], {}).uiRegistry, 'https://registry.example:5000');
    assert.throws(() => parseDaemonArgs(['--config-file', none, '--ui-registry', 'http://'], {}), /invalid --ui-registry/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
