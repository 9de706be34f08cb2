// One-time login tokens for the dashboard: `berth dashboard` asks berthd for one and hands the
// user a URL carrying it; the first use spends it, and unused ones expire.
import { randomBytes } from 'node:crypto';
import { equalSecrets } from './equal-secrets.js';

export const LOGIN_TOKEN_TTL_MS = 5 * 60_000;

export class LoginTokens {
  private readonly tokens = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh token and when it expires (ms since the epoch). */
  issue(): { token: string; expiresAt: number } {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + LOGIN_TOKEN_TTL_MS;
    this.tokens.set(token, expiresAt);
    return { token, expiresAt };
  }

  /** True once for a live token; the token is gone afterwards. */
  spend(token: string): boolean {
    this.sweep();
    for (const [t] of this.tokens) {
      if (equalSecrets(t, token)) {
        this.tokens.delete(t);
        return true;
      }
    }
    return false;
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, exp] of this.tokens) if (exp <= now) this.tokens.delete(t);
  }
}
