// List endpoints with docker's filters: labels (all must match), names as regexps, dangling,
// images by reference (only the matching tags shown), and docker's errors for bad filters.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompatTarget, messageOf } from './harness.js';

let t: CompatTarget;
before(async () => {
  t = await CompatTarget.open();
});
after(() => t.close());

describe('GET /containers/json', () => {
  it('label filters must all match; name is a regexp; status lists stopped ones without all', async () => {
    const both = await t.createContainer('both', { team: 'db', tier: '1' });
    await t.createContainer('one', { team: 'db' });
    const list = async (filters: Record<string, string[]>, all = true): Promise<string[]> =>
      ((await t.ok('GET', '/containers/json', { query: { all: all ? '1' : undefined }, filters })).body as Array<{ Id: string }>).map((c) => c.Id);
    assert.deepEqual(await list({ label: [t.label, 'team=db', 'tier'] }), [both]);
    assert.deepEqual(await list({ label: [t.label], name: [`^/?${t.run}-bo.h$`] }), [both]);
    assert.equal((await list({ label: [t.label], status: ['created'] }, false)).length, 2);
    assert.deepEqual(await list({ label: [t.label] }, false), []);
  });

  it('a bad status value and an unknown before= are refused', async () => {
    const bad = await t.api('GET', '/containers/json', { filters: { status: ['bogus'] } });
    assert.equal(bad.status, 400);
    assert.match(messageOf(bad), /invalid filter 'status=bogus'/i);
    // 404 from berth; dockerd 20.10 answers 500 with the same words.
    const missing = await t.api('GET', '/containers/json', { filters: { before: [`${t.run}-nosuch`] } });
    assert.ok(missing.status >= 400, missing.text);
    assert.match(messageOf(missing), /no such container/i);
  });
});

describe('GET /images/json', () => {
  it('reference= shows only the matching tags of an image', async () => {
    const id = await t.importImage('a');
    await t.ok('POST', `/images/${t.run}/a:latest/tag`, { query: { repo: `${t.run}/b`, tag: '1' } });
    const byRef = async (ref: string): Promise<Array<{ Id: string; RepoTags: string[] }>> =>
      (await t.ok('GET', '/images/json', { filters: { reference: [ref] } })).body as Array<{ Id: string; RepoTags: string[] }>;
    const a = await byRef(`${t.run}/a`);
    assert.deepEqual(a.map((i) => [i.Id, i.RepoTags]), [[id, [`${t.run}/a:latest`]]]);
    const b = await byRef(`${t.run}/b:1`);
    assert.deepEqual(b.map((i) => i.RepoTags), [[`${t.run}/b:1`]]);
    const all = await byRef(`${t.run}/*`);
    assert.deepEqual(all.flatMap((i) => i.RepoTags).sort(), [`${t.run}/a:latest`, `${t.run}/b:1`]);
  });

  it('label= and dangling=false select images; a bad dangling value is refused', async () => {
    const id = await t.importImage('labelled', { flavour: 'plain' });
    const r = await t.ok('GET', '/images/json', { filters: { label: [t.label, 'flavour=plain'], dangling: ['false'] } });
    assert.deepEqual((r.body as Array<{ Id: string }>).map((i) => i.Id), [id]);
    const bad = await t.api('GET', '/images/json', { filters: { dangling: ['maybe'] } });
    assert.equal(bad.status, 400, bad.text);
  });
});

describe('GET /volumes and GET /networks', () => {
  it('volumes by label, name (a regexp) and dangling', async () => {
    await t.ok('POST', '/volumes/create', { body: { Name: `${t.run}-v1`, Labels: { 'berth.compat': t.run, team: 'db' } } });
    await t.ok('POST', '/volumes/create', { body: { Name: `${t.run}-v2`, Labels: { 'berth.compat': t.run } } });
    const names = async (filters: Record<string, string[]>): Promise<string[]> =>
      (((await t.ok('GET', '/volumes', { filters })).body as { Volumes: Array<{ Name: string }> | null }).Volumes ?? []).map((v) => v.Name).sort();
    assert.deepEqual(await names({ label: [t.label, 'team=db'] }), [`${t.run}-v1`]);
    assert.deepEqual(await names({ name: [`^${t.run}-v[12]$`] }), [`${t.run}-v1`, `${t.run}-v2`]);
    assert.deepEqual(await names({ label: [t.label], dangling: ['true'] }), [`${t.run}-v1`, `${t.run}-v2`]);
    assert.deepEqual(await names({ label: [t.label], dangling: ['0'] }), []);
    const bad = await t.api('GET', '/volumes', { filters: { dangling: ['maybe'] } });
    assert.equal(bad.status, 400, bad.text);
  });

  it('networks by label, name and dangling; bad dangling and type values are refused', async () => {
    await t.ok('POST', '/networks/create', { body: { Name: `${t.run}-net`, Labels: { 'berth.compat': t.run, team: 'db' } } });
    const names = async (filters: Record<string, string[]>): Promise<string[]> =>
      ((await t.ok('GET', '/networks', { filters })).body as Array<{ Name: string }>).map((n) => n.Name);
    assert.deepEqual(await names({ label: [t.label, 'team=db'] }), [`${t.run}-net`]);
    assert.deepEqual(await names({ name: [`^${t.run}-n.t$`] }), [`${t.run}-net`]);
    assert.deepEqual(await names({ label: [t.label], dangling: ['true'] }), [`${t.run}-net`]);
    assert.deepEqual(await names({ label: [t.label], type: ['builtin'] }), []);
    assert.equal((await t.api('GET', '/networks', { filters: { dangling: ['maybe'] } })).status, 400);
    // dockerd 20.10 answers a bad type with 500, newer ones and berth with 400.
    const odd = await t.api('GET', '/networks', { filters: { type: ['odd'] } });
    assert.ok(odd.status >= 400, odd.text);
    assert.match(messageOf(odd), /invalid filter: 'type'='odd'/i);
  });
});

describe('invalid filters', () => {
  const endpoints: Array<[string, string]> = [
    ['GET', '/containers/json'], ['POST', '/containers/prune'], ['GET', '/images/json'], ['POST', '/images/prune'],
    ['GET', '/volumes'], ['POST', '/volumes/prune'], ['GET', '/networks'], ['POST', '/networks/prune'],
  ];
  it('an unknown key is 400 "invalid filter \'key\'" everywhere', async () => {
    for (const [method, path] of endpoints) {
      const r = await t.api(method, path, { filters: { bogus: ['x'] } });
      assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
      assert.match(messageOf(r), /invalid filter 'bogus'/i, `${method} ${path}`);
    }
  });

  it('filters that are not JSON of either form are refused', async () => {
    // 400 "invalid filter" from berth and newer dockerd; 20.10 answers 500 with the JSON error.
    for (const raw of ['{', '{"label":"x"}']) {
      const r = await t.api('GET', `/containers/json?filters=${encodeURIComponent(raw)}`);
      assert.ok(r.status >= 400, `${raw}: ${r.text}`);
    }
  });

  it('the legacy {"key":{"value":true}} form works', async () => {
    const r = await t.api('GET', `/volumes?filters=${encodeURIComponent(JSON.stringify({ label: { [t.label]: true } }))}`);
    assert.equal(r.status, 200, r.text);
  });

  it('build cache prune refuses an until that is not a duration', async () => {
    const r = await t.api('POST', '/build/prune', { filters: { until: ['yesterday'] } });
    assert.ok(r.status >= 400, r.text);
    assert.match(messageOf(r), /"until" filter expects a duration/);
  });

  it('events pass over unknown filter keys', async () => {
    const r = await t.api('GET', '/events', { query: { since: '1', until: '2' }, filters: { bogus: ['x'] } });
    assert.equal(r.status, 200, r.text);
  });
});

describe('GET /events', () => {
  it('since/until replay past events; type and label filters select them', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 1);
    const id = await t.createContainer('ev', { team: 'events' });
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const r = await t.ok('GET', '/events', { query: { since, until }, filters: { type: ['container'], label: [t.label, 'team=events'] } });
    const events = r.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string } });
    assert.ok(events.some((e) => e.Action === 'create' && e.Actor.ID === id), r.text);
    assert.ok(events.every((e) => e.Actor.ID === id), r.text);
  });

  it('an until before since is refused', async () => {
    const r = await t.api('GET', '/events', { query: { since: '2000', until: '1000' } });
    assert.equal(r.status, 400, r.text);
  });
});
