// A small method + path router: patterns like `/containers/:id/json`, `:name*` takes the rest
// (image names contain slashes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface RequestContext {
  req: IncomingMessage;
  /** Undefined for a hijacked (upgraded) request. */
  res?: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  version: string;
  /** Set for upgraded requests: the raw socket and what was read past the headers. */
  upgrade?: { socket: Duplex; head: Buffer };
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route {
  method: string;
  re: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const re = new RegExp(
      '^' +
        pattern.replace(/:(\w+)(\*)?/g, (_m, name: string, star?: string) => {
          names.push(name);
          return star ? '(.+?)' : '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, re, names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
        allowed.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      return { handler: r.handler, params };
    }
    return allowed.length ? { allowed } : undefined;
  }
}
