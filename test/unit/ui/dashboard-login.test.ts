// The dashboard's login pieces: one-time tokens, sessions that expire, the failed-login limit,
// cookies, --ui addresses.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { LoginTokens, LOGIN_TOKEN_TTL_MS } from '../../../src/ui/login-tokens.js';
import { Sessions } from '../../../src/ui/sessions.js';
import { LoginLimiter } from '../../../src/ui/login-limiter.js';
import { readCookie, sessionCookie } from '../../../src/ui/cookies.js';
import { isLoopback, parseUiAddress } from '../../../src/ui/dashboard.js';

it('spends a login token once, and not after it expired', () => {
  let now = 1000;
  const t = new LoginTokens(() => now);
  const a = t.issue().token;
  assert.equal(t.spend(a), true);
  assert.equal(t.spend(a), false);
  const b = t.issue().token;
  now += LOGIN_TOKEN_TTL_MS;
  assert.equal(t.spend(b), false);
  assert.equal(t.spend(''), false);
});

it('ends sessions at their expiry', () => {
  let now = 0;
  const s = new Sessions(() => now, 1000);
  const one = s.create();
  assert.equal(s.get(one.id)?.csrf, one.csrf);
  assert.notEqual(one.csrf, one.id);
  now = 999;
  assert.ok(s.get(one.id));
  now = 1000;
  assert.equal(s.get(one.id), undefined);
  assert.equal(s.get(undefined), undefined);
});

it('blocks an address after repeated failures, for the rest of the window', () => {
  let now = 0;
  const l = new LoginLimiter(3, 60_000, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(l.retryAfter('a'), 0);
    l.fail('a');
    now += 1000;
  }
  assert.equal(l.retryAfter('a'), 57_000);
  assert.equal(l.retryAfter('b'), 0);
  now = 60_001;
  assert.equal(l.retryAfter('a'), 0);
});

it('writes the session cookie HttpOnly and SameSite=Strict, Secure over TLS', () => {
  assert.equal(sessionCookie('v', 5000, false), 'berth_session=v; Path=/; Max-Age=5; HttpOnly; SameSite=Strict');
  assert.match(sessionCookie('v', 5000, true), /; Secure$/);
  assert.equal(readCookie('a=1; berth_session=xyz; b=2', 'berth_session'), 'xyz');
  assert.equal(readCookie(undefined, 'berth_session'), undefined);
});

it('reads --ui addresses; loopback is the default host', () => {
  assert.deepEqual(parseUiAddress('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseUiAddress(':9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseUiAddress('9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseUiAddress('tcp://0.0.0.0:443'), { host: '0.0.0.0', port: 443 });
  assert.deepEqual(parseUiAddress('[::1]:8080'), { host: '::1', port: 8080 });
  assert.throws(() => parseUiAddress('nohost'));
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('0.0.0.0'), false);
});

it('refuses a non-loopback address without TLS', async () => {
  const { Dashboard } = await import('../../../src/ui/dashboard.js');
  const { Router } = await import('../../../src/api/http/router.js');
  await assert.rejects(new Dashboard({ router: new Router() }).start('0.0.0.0:0'), /needs TLS/);
});
