// Prune endpoints with docker's filters: until as a time (not a date string), label and label!.
// Every prune is scoped to this run's label, so it is safe against a daemon in use.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget } from './harness.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

const idsOf = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);
const inAMinute = (): string => String(Math.floor(Date.now() / 1000) + 60);

describe('POST /containers/prune', () => {
  it('until=24h keeps containers younger than a day; a later until removes them', async () => {
    const id = await t.createContainer('young');
    const kept = await t.ok('POST', '/containers/prune', { filters: { until: ['24h'], label: [t.label] } });
    assert.ok(!idsOf((kept.body as { ContainersDeleted: unknown }).ContainersDeleted).includes(id));
    assert.equal((await t.api('GET', `/containers/${id}/json`)).status, 200);
    const pruned = await t.ok('POST', '/containers/prune', { filters: { until: [inAMinute()], label: [t.label] } });
    assert.deepEqual(idsOf((pruned.body as { ContainersDeleted: unknown }).ContainersDeleted), [id]);
  });

  it('until also takes RFC 3339 times and Go durations like 1h30m', async () => {
    const id = await t.createContainer('dated');
    for (const until of ['1h30m', new Date(Date.now() - 3600_000).toISOString()]) {
      const r = await t.ok('POST', '/containers/prune', { filters: { until: [until], label: [t.label] } });
      assert.ok(!idsOf((r.body as { ContainersDeleted: unknown }).ContainersDeleted).includes(id), until);
    }
    await t.ok('DELETE', `/containers/${id}`);
  });

  it('label! keeps what carries the label', async () => {
    const keep = await t.createContainer('keep', { keep: '1' });
    const drop = await t.createContainer('drop');
    const r = await t.ok('POST', '/containers/prune', { filters: { label: [t.label], 'label!': ['keep'] } });
    assert.deepEqual(idsOf((r.body as { ContainersDeleted: unknown }).ContainersDeleted), [drop]);
    assert.equal((await t.api('GET', `/containers/${keep}/json`)).status, 200);
  });

  it('two until values are refused', async () => {
    const r = await t.api('POST', '/containers/prune', { filters: { until: ['1h', '2h'], label: [t.label] } });
    assert.ok(r.status >= 400, r.text);
  });

  it('docker container prune --filter until=24h keeps a new container (CLI)', async () => {
    const id = await t.createContainer('cli');
    const r = await t.docker(['container', 'prune', '-f', '--filter', 'until=24h', '--filter', `label=${t.label}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(id), r.stdout);
    assert.equal((await t.api('GET', `/containers/${id}/json`)).status, 200);
  });
});

describe('POST /images/prune', () => {
  it('dangling=false with label= removes only the labelled unused image', async () => {
    const one = await t.importImage('one', { which: 'one' });
    const two = await t.importImage('two', { which: 'two' });
    const r = await t.ok('POST', '/images/prune', { filters: { dangling: ['false'], label: [t.label, 'which=one'] } });
    const deleted = ((r.body as { ImagesDeleted: Array<{ Deleted?: string }> | null }).ImagesDeleted ?? []).map((d) => d.Deleted).filter(Boolean);
    assert.ok(deleted.includes(one), r.text);
    assert.ok(!deleted.includes(two), r.text);
    assert.equal((await t.api('GET', `/images/${two}/json`)).status, 200);
  });

  it('until=24h keeps a new image', async () => {
    const id = await t.importImage('fresh');
    await t.ok('POST', '/images/prune', { filters: { dangling: ['false'], label: [t.label], until: ['24h'] } });
    assert.equal((await t.api('GET', `/images/${id}/json`)).status, 200);
  });

  it('a dangling value that is not a boolean is refused', async () => {
    const r = await t.api('POST', '/images/prune', { filters: { dangling: ['maybe'], label: [t.label] } });
    assert.equal(r.status, 400, r.text);
  });
});

describe('POST /volumes/prune and /networks/prune', () => {
  it('volume prune keeps to the label filters', async () => {
    const mk = async (name: string, team: string): Promise<string> => {
      const r = await t.ok('POST', '/volumes/create', { body: { Name: `${t.run}-${name}`, Labels: { 'berth.compat': t.run, team } } });
      return (r.body as { Name: string }).Name;
    };
    const db = await mk('db', 'db');
    const web = await mk('web', 'web');
    // API 1.42 made prune take anonymous volumes only unless all=true (older APIs take named ones too).
    const filters: Record<string, string[]> = { label: [t.label, 'team=web'], ...(t.apiAtLeast('1.42') ? { all: ['true'] } : {}) };
    const r = await t.ok('POST', '/volumes/prune', { filters });
    assert.deepEqual((r.body as { VolumesDeleted: string[] | null }).VolumesDeleted ?? [], [web]);
    assert.equal((await t.api('GET', `/volumes/${db}`)).status, 200);
  });

  it('network prune with label and until', async () => {
    const r1 = await t.ok('POST', '/networks/create', { body: { Name: `${t.run}-n1`, Labels: { 'berth.compat': t.run } } });
    const kept = await t.ok('POST', '/networks/prune', { filters: { label: [t.label], until: ['24h'] } });
    assert.deepEqual((kept.body as { NetworksDeleted: string[] | null }).NetworksDeleted ?? [], []);
    const pruned = await t.ok('POST', '/networks/prune', { filters: { label: [t.label], until: [inAMinute()] } });
    assert.deepEqual((pruned.body as { NetworksDeleted: string[] | null }).NetworksDeleted ?? [], [`${t.run}-n1`]);
    assert.equal((await t.api('GET', `/networks/${(r1.body as { Id: string }).Id}`)).status, 404);
  });
});
