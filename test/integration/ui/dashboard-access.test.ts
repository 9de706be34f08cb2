// The dashboard's door, without a browser: `berth dashboard` hands out a one-time login URL, the
// token becomes an HttpOnly SameSite=Strict cookie, every page and API request without it is
// refused with 401, state-changing requests need the CSRF token and our own Origin, failed logins
// are rate-limited, and the attach/exec websockets carry a container's bytes both ways.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { dashboardLogin, dashboardRequest, logIn, type Login } from '../../support/dashboard-client.js';
import { wsConnect } from '../../support/ws-client.js';

describe('dashboard access', () => {
  let d: TestDaemon;
  let login: Login;
  let cookie = '';
  let csrf = '';
  before(async () => {
    d = await startTestDaemon();
    login = await dashboardLogin(d);
  });
  after(async () => {
    await d?.stop();
  });

  it('prints a loopback login URL and refuses every request without a session (401)', async () => {
    assert.equal(login.url.hostname, '127.0.0.1');
    assert.equal(login.url.pathname, '/login');
    for (const path of ['/', '/index.html', '/app.js', '/ui/session', '/api/_ping', '/api/v1.47/containers/json', '/api/images/json', '/anything']) {
      const r = await dashboardRequest(login.port, 'GET', path);
      assert.equal(r.status, 401, `${path}: ${r.status}`);
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
    assert.equal((await dashboardRequest(login.port, 'POST', '/api/containers/create', { body: {} })).status, 401);
    assert.equal((await dashboardRequest(login.port, 'GET', '/api/containers/x/json', { cookie: 'berth_session=forged' })).status, 401);
  });

  it('turns the token into a session cookie once', async () => {
    ({ cookie, csrf } = await logIn(login));
    assert.match(cookie, /^berth_session=/);
    const again = await dashboardRequest(login.port, 'GET', login.url.pathname + login.url.search);
    assert.equal(again.status, 401, 'a spent token');
    const page = await dashboardRequest(login.port, 'GET', '/', { cookie });
    assert.equal(page.status, 200);
    assert.match(page.body, /src="\/app\.js"/);
    const ping = await dashboardRequest(login.port, 'GET', '/api/_ping', { cookie });
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'OK');
    const list = await dashboardRequest(login.port, 'GET', '/api/v1.47/images/json', { cookie });
    assert.equal(list.status, 200);
    assert.ok((JSON.parse(list.body) as Array<{ RepoTags: string[] }>).some((i) => i.RepoTags.includes('busybox:latest')));
  });

  it('sets the cookie HttpOnly and SameSite=Strict', async () => {
    const fresh = await dashboardLogin(d);
    const r = await dashboardRequest(fresh.port, 'GET', fresh.url.pathname + fresh.url.search);
    const set = String(r.headers['set-cookie']);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    assert.match(set, /Max-Age=\d+/);
  });

  it('refuses state-changing requests without the CSRF token or from another origin', async () => {
    assert.equal((await d.docker(['create', '--name', 'csrf-target', 'busybox', 'true'])).code, 0);
    const noToken = await dashboardRequest(login.port, 'POST', '/api/containers/csrf-target/rename?name=x', { cookie });
    assert.equal(noToken.status, 403);
    const crossSite = await dashboardRequest(login.port, 'POST', '/api/containers/csrf-target/rename?name=x', { cookie, csrf, origin: 'http://evil.example' });
    assert.equal(crossSite.status, 403);
    const ok = await dashboardRequest(login.port, 'POST', '/api/containers/csrf-target/rename?name=renamed', { cookie, csrf, origin: `http://127.0.0.1:${login.port}` });
    assert.equal(ok.status, 204, ok.body);
    assert.equal((await d.docker(['rm', 'renamed'])).code, 0);
  });

  it("keeps berth's own endpoints off the page's API", async () => {
    const r = await dashboardRequest(login.port, 'POST', '/api/berth/ui/token', { cookie, csrf });
    assert.equal(r.status, 404);
  });

  it('attaches over a websocket, raw bytes both ways', async () => {
    assert.equal((await d.docker(['run', '-d', '-i', '--name', 'wsa', 'busybox', 'cat'])).code, 0);
    const origin = `http://127.0.0.1:${login.port}`;
    const refused = await wsConnect(login.port, '/api/v1.47/containers/wsa/attach/ws?stream=1&stdin=1&stdout=1', { Origin: origin });
    assert.equal(refused.status, 401);
    refused.close();
    const ws = await wsConnect(login.port, '/api/v1.47/containers/wsa/attach/ws?stream=1&stdin=1&stdout=1&stderr=1', { Cookie: cookie, Origin: origin });
    assert.equal(ws.status, 101, ws.head);
    ws.send('hello over ws\n');
    const out = await ws.waitFor(/hello over ws\n/);
    assert.equal(out, 'hello over ws\n', 'not multiplexed');
    assert.equal(ws.frames[0]!.opcode, 2, 'binary frames from API 1.28');
    ws.close();
    const cross = await wsConnect(login.port, '/api/v1.47/containers/wsa/attach/ws?stream=1&stdout=1', { Cookie: cookie, Origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
    cross.close();
  });

  it('runs an exec over its websocket with a tty', async () => {
    // (wsa ended when the attach above closed its stdin.)
    assert.equal((await d.docker(['run', '-d', '--name', 'wse', 'busybox', 'sleep', '300'])).code, 0);
    const create = await dashboardRequest(login.port, 'POST', '/api/v1.47/containers/wse/exec', { cookie, csrf, body: { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true } });
    assert.equal(create.status, 201, create.body);
    const { Id } = JSON.parse(create.body) as { Id: string };
    const ws = await wsConnect(login.port, `/api/v1.47/exec/${Id}/start/ws`, { Cookie: cookie, Origin: `http://127.0.0.1:${login.port}` });
    assert.equal(ws.status, 101, ws.head);
    ws.send('echo h""i\n');
    await ws.waitFor(/\bhi\r?\n/);
    ws.send('exit\n');
    ws.close();
  });

  it('rate-limits failed logins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await dashboardRequest(login.port, 'GET', '/login?token=wrong')).status);
    // The spent token above was one failure already: four more are allowed, then 429.
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429, 429]);
    // A good token is refused too while the address is blocked.
    const fresh = await dashboardLogin(d);
    assert.equal((await dashboardRequest(fresh.port, 'GET', fresh.url.pathname + fresh.url.search)).status, 429);
  });
});
