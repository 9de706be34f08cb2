// The router's matching rules: parameters, `:name*` taking slashes, HEAD served by GET, and the
// methods a path allows when none matches.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../../../src/api/http/router.js';

const noop = (): void => undefined;

it('matches parameters and decodes them', () => {
  const r = new Router().add('GET', '/containers/:id/json', noop);
  const m = r.match('GET', '/containers/web%201/json');
  assert.ok(m && 'params' in m);
  assert.deepEqual(m.params, { id: 'web 1' });
  assert.equal(r.match('GET', '/containers/a/b/json'), undefined);
});

it('lets :name* take slashes (image names) and stops at the suffix', () => {
  const r = new Router().add('GET', '/images/:name*/json', noop).add('DELETE', '/images/:name*', noop);
  const m = r.match('GET', '/images/registry.example:5000/team/app:1.0/json');
  assert.ok(m && 'params' in m);
  assert.equal(m.params.name, 'registry.example:5000/team/app:1.0');
  const d = r.match('DELETE', '/images/team/app');
  assert.ok(d && 'params' in d);
  assert.equal(d.params.name, 'team/app');
});

it('serves HEAD with a GET route, and accepts a trailing slash', () => {
  const r = new Router().add('GET', '/_ping', noop);
  assert.ok(r.match('HEAD', '/_ping') && 'handler' in r.match('HEAD', '/_ping')!);
  assert.ok(r.match('GET', '/_ping/') && 'handler' in r.match('GET', '/_ping/')!);
});

it('answers the allowed methods when the path exists under another method', () => {
  const r = new Router().add('POST', '/containers/:id/start', noop);
  assert.deepEqual(r.match('GET', '/containers/x/start'), { allowed: ['POST'] });
});
