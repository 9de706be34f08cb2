// Who may do what: checks a request's credentials against the scopes it needs, and builds the
// 401 challenge (WWW-Authenticate) that tells a client how to get them.
import type { IncomingMessage } from 'node:http';
import { RegistryError } from '../registry-error.js';
import { HtpasswdFile } from './htpasswd.js';
import { TokenVerifier, type AccessGrant } from './token.js';

export interface Scope {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

export interface AuthConfig {
  htpasswd?: { realm: string; path: string };
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

function scopeString(s: Scope): string {
  return `${s.type}:${s.name}:${s.actions.join(',')}`;
}

function granted(grants: AccessGrant[] | undefined, need: Scope): boolean {
  for (const g of grants ?? []) {
    if (g.type !== need.type || g.name !== need.name || !Array.isArray(g.actions)) continue;
    if (g.actions.includes('*') || need.actions.every((a) => g.actions.includes(a))) return true;
  }
  return false;
}

export class AccessController {
  private readonly htpasswd?: HtpasswdFile;
  private readonly token?: TokenVerifier;

  constructor(private readonly config: AuthConfig) {
    if (config.htpasswd) this.htpasswd = new HtpasswdFile(config.htpasswd.path);
    if (config.token) this.token = new TokenVerifier(config.token.issuer, config.token.service, config.token.rootCertBundle);
  }

  get enabled(): boolean {
    return this.htpasswd !== undefined || this.token !== undefined;
  }

  private challenge(scopes: Scope[], error?: string): RegistryError {
    let header: string;
    if (this.config.token) {
      const t = this.config.token;
      header = `Bearer realm="${t.realm}",service="${t.service}"`;
      if (scopes.length > 0) header += `,scope="${scopes.map(scopeString).join(' ')}"`;
      if (error) header += `,error="${error}"`;
    } else {
      header = `Basic realm="${this.config.htpasswd!.realm}"`;
    }
    const detail = scopes.map((s) => ({ Type: s.type, Name: s.name, Action: s.actions.join(',') }));
    return new RegistryError(401, 'UNAUTHORIZED', 'authentication required', detail.length ? detail : undefined, {
      'WWW-Authenticate': header,
    });
  }

  /** Returns the authenticated subject (user or token subject), or throws a 401 with a challenge. */
  async authorize(req: IncomingMessage, scopes: Scope[]): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    const h = req.headers.authorization ?? '';
    const sp = h.indexOf(' ');
    const kind = sp > 0 ? h.slice(0, sp).toLowerCase() : '';
    const cred = sp > 0 ? h.slice(sp + 1).trim() : '';
    if (kind === 'bearer' && this.token) {
      const claims = this.token.verify(cred);
      if (!claims) throw this.challenge(scopes, 'invalid_token');
      for (const s of scopes) if (!granted(claims.access, s)) throw this.challenge(scopes, 'insufficient_scope');
      return claims.sub ?? '';
    }
    if (kind === 'basic' && this.htpasswd) {
      const decoded = Buffer.from(cred, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
      if (colon >= 0 && (await this.htpasswd.verify(user, decoded.slice(colon + 1)))) return user;
      throw this.challenge(scopes);
    }
    throw this.challenge(scopes);
  }
}
