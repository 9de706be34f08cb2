// ContainerStore: list() hands out the records as last written (parsed once), and changes a caller
// makes to its record after writing it do not leak into what the store holds.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../src/db/database.js';
import { ContainerStore, type ContainerRecord } from '../../../src/container/container-record.js';
import type { Digest } from '../../../src/oci/digest.js';

function record(n: number): ContainerRecord {
  return {
    id: String(n).repeat(64).slice(0, 64),
    name: `/c${n}`,
    created: new Date(n * 1000).toISOString(),
    imageId: `sha256:${'a'.repeat(64)}` as Digest,
    imageName: 'busybox',
    path: 'true',
    args: [],
    config: {},
    hostConfig: {},
    state: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', StartedAt: '', FinishedAt: '', OOMKilled: false },
    restartCount: 0,
    logPath: '/log',
  };
}

it('lists inserts, updates, renames and deletes as written, and keeps callers\' objects apart', () => {
  const db = openDatabase(':memory:');
  const store = new ContainerStore(db);
  const a = record(1);
  store.insert(a);
  assert.deepEqual(store.list().map((c) => c.state.Status), ['created']);
  const b = record(2);
  store.insert(b);
  a.state = { ...a.state, Status: 'running' };
  store.update(a);
  a.state.Status = 'exited'; // not written
  const byId = new Map(store.list().map((c) => [c.id, c]));
  assert.equal(byId.get(a.id)!.state.Status, 'running');
  assert.equal(store.get(a.id)!.state.Status, 'running');
  store.rename(b, '/renamed');
  assert.equal(store.list().find((c) => c.id === b.id)!.name, '/renamed');
  store.delete(a.id);
  assert.deepEqual(store.list().map((c) => c.id), [b.id]);
  // A fresh store over the same database reads the same.
  assert.deepEqual(new ContainerStore(db).list().map((c) => c.name), ['/renamed']);
  assert.equal(db.pragma('synchronous', { simple: true }), 2, 'updates leave the connection as it was');
  db.close();
});
