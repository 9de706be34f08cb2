// Legacy links: parsing both forms, docker's stored form, the <ALIAS>_* variables, finding a link to remove.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findLink, formatLink, linkEnv, normalizeLinks, parseLink } from '../../../src/container/legacy-links.js';
import type { ContainerRecord } from '../../../src/container/container-record.js';
import { InvalidArgumentError, NotFoundError } from '../../../src/errors.js';

const rec = (name: string, links: string[] | null = null): ContainerRecord =>
  ({ id: `${name}-id`, name: `/${name}`, hostConfig: { Links: links }, config: {}, state: { Status: 'running' } }) as unknown as ContainerRecord;

describe('legacy links', () => {
  it('parses the CLI form and the stored one', () => {
    assert.deepEqual(parseLink('db:cache'), { child: '/db', alias: 'cache' });
    assert.deepEqual(parseLink('db'), { child: '/db', alias: 'db' });
    assert.deepEqual(parseLink('/db:/web/cache'), { child: '/db', alias: 'cache' });
    assert.equal(formatLink({ child: '/db', alias: 'cache' }, '/web'), '/db:/web/cache');
  });

  it('stores links by the child\'s name, refusing unknown children', () => {
    const all = [rec('db')];
    const find = (ref: string): ContainerRecord | undefined => all.find((c) => c.name === `/${ref}` || c.id === ref);
    assert.deepEqual(normalizeLinks(['db-id:x', 'db'], '/web', find), ['/db:/web/x', '/db:/web/db']);
    assert.throws(() => normalizeLinks(['nope:x'], '/web', find), (e) => e instanceof InvalidArgumentError && /could not get container for nope/.test(e.message));
  });

  it('makes docker\'s variables: TCP first, runs of ports, the child\'s env without HOME and PATH', () => {
    const env = linkEnv('/web/db-1', '10.0.0.2', ['PATH=/bin', 'HOME=/root', 'FOO=a=b', 'BARE'], ['53/udp', '8001/tcp', '8000/tcp']);
    assert.deepEqual(env, [
      'DB_1_PORT=tcp://10.0.0.2:8000',
      'DB_1_PORT_8000_TCP=tcp://10.0.0.2:8000', 'DB_1_PORT_8000_TCP_ADDR=10.0.0.2', 'DB_1_PORT_8000_TCP_PORT=8000', 'DB_1_PORT_8000_TCP_PROTO=tcp',
      'DB_1_PORT_8001_TCP=tcp://10.0.0.2:8001', 'DB_1_PORT_8001_TCP_ADDR=10.0.0.2', 'DB_1_PORT_8001_TCP_PORT=8001', 'DB_1_PORT_8001_TCP_PROTO=tcp',
      // A run's _START/_END come once the next port breaks it (docker's order).
      'DB_1_PORT_53_UDP=udp://10.0.0.2:53', 'DB_1_PORT_53_UDP_ADDR=10.0.0.2', 'DB_1_PORT_53_UDP_PORT=53', 'DB_1_PORT_53_UDP_PROTO=udp',
      'DB_1_PORT_8000_TCP_START=tcp://10.0.0.2:8000', 'DB_1_PORT_8000_TCP_PORT_START=8000',
      'DB_1_PORT_8000_TCP_END=tcp://10.0.0.2:8001', 'DB_1_PORT_8000_TCP_PORT_END=8001',
      'DB_1_NAME=/web/db-1',
      'DB_1_ENV_FOO=a=b',
    ]);
    assert.deepEqual(linkEnv('/web/db', '10.0.0.2', [], []), ['DB_NAME=/web/db']);
  });

  it('finds a link to remove, with docker\'s errors otherwise', () => {
    const all = [rec('web', ['/db:/web/cache'])];
    const find = (ref: string): ContainerRecord | undefined => all.find((c) => c.name === `/${ref}`);
    const hit = findLink('web/cache', find);
    assert.equal(hit.parent.name, '/web');
    assert.equal(hit.index, 0);
    assert.throws(() => findLink('web/other', find), (e) => e instanceof NotFoundError && e.message === 'No such container: web/other');
    assert.throws(() => findLink('web', find), /cannot remove the default link name/);
  });
});
