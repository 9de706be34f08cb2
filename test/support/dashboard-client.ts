// A test's way into a berthd's dashboard: a login URL from `berth dashboard`, plain requests with
// or without the session cookie and CSRF token.
import { request } from 'node:http';
import type { TestDaemon } from './test-daemon.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Login {
  url: URL;
  port: number;
}

/** `berth dashboard` against the daemon: the login URL it prints. */
export async function dashboardLogin(d: TestDaemon): Promise<Login> {
  const r = await d.berth(['dashboard']);
  if (r.code !== 0) throw new Error(`berth dashboard failed: ${r.stderr}`);
  const url = new URL(r.stdout.trim());
  return { url, port: Number(url.port) };
}

export function dashboardRequest(port: number, method: string, path: string, o: { cookie?: string; csrf?: string; origin?: string; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(o.cookie ? { Cookie: o.cookie } : {}),
          ...(o.csrf ? { 'X-Berth-CSRF': o.csrf } : {}),
          ...(o.origin ? { Origin: o.origin } : {}),
          ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Spends a login URL: the session cookie (`name=value`) and the session's CSRF token. */
export async function logIn(login: Login): Promise<{ cookie: string; csrf: string }> {
  const r = await dashboardRequest(login.port, 'GET', login.url.pathname + login.url.search);
  if (r.status !== 303) throw new Error(`login refused: ${r.status} ${r.body}`);
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const cookie = set[0]!.split(';')[0]!;
  const s = await dashboardRequest(login.port, 'GET', '/ui/session', { cookie });
  return { cookie, csrf: (JSON.parse(s.body) as { csrf: string }).csrf };
}
