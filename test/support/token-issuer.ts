// A small token server for the registry's `auth: token` mode: ES256 JWTs with an x5c header whose
// self-signed certificate is the registry's rootcertbundle. Grants what is asked to the one known
// user, nothing to anonymous callers; answers bad passwords as Docker Hub does.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface TokenIssuerOptions {
  dir: string;
  username: string;
  password: string;
  service: string;
  issuer: string;
  /** Seconds a token lives (the registry adds 60 s of leeway). */
  expiresIn?: number;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenIssuer {
  readonly certPath: string;
  private readonly keyPem: string;
  private readonly certDerB64: string;
  private server?: Server;
  port = 0;
  /** Every request the issuer answered: for asserting caching. */
  readonly requests: { method: string; scopes: string[]; account?: string; grant?: string }[] = [];
  private readonly refreshTokens = new Set<string>();

  constructor(private readonly opts: TokenIssuerOptions) {
    const keyPath = join(opts.dir, 'token.key');
    this.certPath = join(opts.dir, 'token.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', this.certPath, '-days', '2', '-subj', '/CN=berth-test-token-issuer'], { stdio: 'ignore' });
    this.keyPem = readFileSync(keyPath, 'utf8');
    this.certDerB64 = readFileSync(this.certPath, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  }

  get realm(): string {
    return `http://127.0.0.1:${this.port}/token`;
  }

  private jwt(account: string, scopes: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const access = account
      ? scopes.map((s) => {
          const parts = s.split(':');
          return { type: parts[0], name: parts.slice(1, -1).join(':'), actions: parts[parts.length - 1]!.split(',') };
        })
      : [];
    const header = { typ: 'JWT', alg: 'ES256', x5c: [this.certDerB64] };
    const claims = { iss: this.opts.issuer, sub: account, aud: this.opts.service, exp: now + (this.opts.expiresIn ?? 300), nbf: now - 5, iat: now, jti: randomBytes(8).toString('hex'), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key: createPrivateKey(this.keyPem), dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(sig)}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const reply = (status: number, body: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'POST') {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
          this.requests.push({ method: 'POST', scopes, grant: form.get('grant_type') ?? undefined });
          const rt = form.get('refresh_token') ?? '';
          if (form.get('grant_type') !== 'refresh_token' || !this.refreshTokens.has(rt)) return reply(401, { details: 'invalid refresh token' });
          return reply(200, { access_token: this.jwt(this.opts.username, scopes), expires_in: this.opts.expiresIn ?? 300, refresh_token: rt });
        }
        const scopes = url.searchParams.getAll('scope');
        let account = '';
        const authz = req.headers.authorization;
        if (authz?.startsWith('Basic ')) {
          const [u, ...p] = Buffer.from(authz.slice(6), 'base64').toString('utf8').split(':');
          if (u !== this.opts.username || p.join(':') !== this.opts.password) {
            this.requests.push({ method: 'GET', scopes, account: u });
            return reply(401, { details: 'incorrect username or password' });
          }
          account = u;
        }
        this.requests.push({ method: 'GET', scopes, account: account || undefined });
        const body: Record<string, unknown> = { token: this.jwt(account, scopes), expires_in: this.opts.expiresIn ?? 300, issued_at: new Date().toISOString() };
        if (account && url.searchParams.get('offline_token') === 'true') {
          const rt = randomBytes(16).toString('hex');
          this.refreshTokens.add(rt);
          body.refresh_token = rt;
        }
        reply(200, body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
