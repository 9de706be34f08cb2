// Small helpers shared by the container-flag tests: polling (test/support), raw API calls and the event log.
import { request } from 'node:http';
import type { TestDaemon } from '../../support/test-daemon.js';
export { until } from '../../support/until.js';

/** One Engine API call over the daemon's socket: status and body. */
export function api(d: TestDaemon, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: d.socket, path, method, headers: data ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** `docker inspect -f tmpl name`, trimmed. */
export async function inspect(d: TestDaemon, name: string, tmpl: string): Promise<string> {
  return (await d.docker(['inspect', '-f', tmpl, name])).stdout.trim();
}

/** The container's events from `since` (unix seconds) to now, through `docker events --since/--until`. */
export async function eventsOf(d: TestDaemon, since: number, filters: string[], format = '{{.Action}}'): Promise<string[]> {
  const untilNow = (Date.now() / 1000 + 0.001).toFixed(3);
  const args = ['events', '--since', String(since), '--until', untilNow, '--format', format];
  for (const f of filters) args.push('--filter', f);
  const r = await d.docker(args);
  return r.stdout.split('\n').filter(Boolean);
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
