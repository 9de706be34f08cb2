// docker's refusals of network connect and disconnect, and the /etc/hosts edits that follow them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkConnect, checkDisconnect } from '../../../src/network/connect-rules.js';
import { hostsNamesOf, withHostsEntry, withoutHostsAddress, withoutHostsName } from '../../../src/network/hosts-file.js';
import { ForbiddenError, InvalidArgumentError } from '../../../src/errors.js';
import { networkRow } from './rows.js';

const user = networkRow({ id: 'u', name: 'app' });
const def = networkRow({ id: 'd', name: 'bridge', isDefault: true });
const host = networkRow({ id: 'h', name: 'host', driver: 'host' });
const none = networkRow({ id: 'n', name: 'none', driver: 'null' });

describe('connect rules', () => {
  it('lets bridge containers join user networks with addresses and aliases', () => {
    checkConnect(user, 'bridge', { Aliases: ['a'], IPAMConfig: { IPv4Address: '10.0.0.5' } });
    checkConnect(def, 'app', null);
  });

  it('refuses host, none and container: modes as docker does', () => {
    assert.throws(() => checkConnect(host, 'bridge', null), (e) => e instanceof ForbiddenError && /host network/.test(e.message));
    assert.throws(() => checkConnect(user, 'host', null), ForbiddenError);
    assert.throws(() => checkConnect(none, 'bridge', null), /private \(none\) mode/);
    assert.throws(() => checkConnect(user, 'container:x', null), /container type network/);
    assert.throws(() => checkDisconnect(host, 'host'), ForbiddenError);
  });

  it('refuses aliases and fixed addresses on the default bridge', () => {
    assert.throws(() => checkConnect(def, 'app', { Aliases: ['x'] }), (e) => e instanceof InvalidArgumentError && /network-scoped alias/.test(e.message));
    assert.throws(() => checkConnect(def, 'app', { IPAMConfig: { IPv4Address: '10.0.0.5' } }), /user defined networks only/);
  });
});

describe('hosts file edits', () => {
  const base = '127.0.0.1\tlocalhost\n10.0.0.2\tweb.example web\n10.1.0.2\tdb abc db1\n';
  it('adds and removes a line by address, and a link line by its first name', () => {
    assert.deepEqual(hostsNamesOf(base, '10.0.0.2'), ['web.example', 'web']);
    const added = withHostsEntry(base, { ip: '10.2.0.3', names: ['web.example', 'web'] });
    assert.match(added, /\n10\.2\.0\.3\tweb\.example web\n$/);
    assert.equal(withoutHostsAddress(added, '10.2.0.3'), base);
    assert.equal(withoutHostsName(base, 'db'), '127.0.0.1\tlocalhost\n10.0.0.2\tweb.example web\n');
  });
});
