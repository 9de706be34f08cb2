// Dashboard sessions: what a spent login token becomes. Each has its own CSRF token, which the
// page sends on every state-changing request, and a fixed lifetime.
import { randomBytes } from 'node:crypto';

export const SESSION_TTL_MS = 12 * 3600_000;

export interface Session {
  id: string;
  csrf: string;
  expiresAt: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now, private readonly ttl = SESSION_TTL_MS) {}

  create(): Session {
    this.sweep();
    const s: Session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(24).toString('base64url'), expiresAt: this.now() + this.ttl };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (ids are 256 random bits: a map lookup leaks nothing usable). */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
