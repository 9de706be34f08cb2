// Bearer tokens per (realm, service, scopes, credentials), kept until shortly before they expire,
// and the challenge each registry origin answered with, so later requests skip the 401 round trip.
import { createHash } from 'node:crypto';
import type { Challenge } from './www-authenticate.js';

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly challenges = new Map<string, Challenge[]>();

  static key(realm: string, service: string, scopes: string[], credentialId: string): string {
    return [realm, service, [...scopes].sort().join(' '), credentialId].join('\n');
  }

  /** A stable, non-reversible identity of the credentials a token was obtained with. */
  static credentialId(parts: (string | undefined)[]): string {
    return createHash('sha256').update(parts.map((p) => p ?? '').join('\0')).digest('hex').slice(0, 16);
  }

  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (Date.now() >= t.expiresAt) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  /** `expiresInSec` as the token server said (60 s when it did not); kept until 10 s before expiry. */
  set(key: string, token: string, expiresInSec: number): void {
    const lifetime = Math.max(expiresInSec, 60);
    this.tokens.set(key, { token, expiresAt: Date.now() + (lifetime - 10) * 1000 });
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }

  challengeFor(origin: string): Challenge[] | undefined {
    return this.challenges.get(origin);
  }

  setChallenge(origin: string, c: Challenge[]): void {
    this.challenges.set(origin, c);
  }
}
