// Basic-auth users from an htpasswd file. Only bcrypt hashes ($2y$, $2a$, $2b$) are accepted, as
// in the CNCF registry. bcrypt is slow on purpose, so a verified user:password pair is remembered
// (by a keyed hash, never the password itself) until the file changes.
import { readFileSync, statSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

export class HtpasswdFile {
  private users = new Map<string, string>();
  private mtimeMs = -1;
  private checkedAt = 0;
  private readonly verified = new Set<string>();
  private readonly key = randomBytes(32);

  constructor(readonly path: string) {
    this.reload();
  }

  private reload(): void {
    const st = statSync(this.path);
    if (st.mtimeMs === this.mtimeMs) return;
    const users = new Map<string, string>();
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const i = t.indexOf(':');
      if (i <= 0) continue;
      const hash = t.slice(i + 1);
      if (/^\$2[aby]\$/.test(hash)) users.set(t.slice(0, i), hash);
    }
    this.users = users;
    this.mtimeMs = st.mtimeMs;
    this.verified.clear();
  }

  async verify(user: string, password: string): Promise<boolean> {
    const now = Date.now();
    if (now - this.checkedAt > 1000) {
      this.checkedAt = now;
      try {
        this.reload();
      } catch {
        // A file being replaced: keep the users we have.
      }
    }
    const hash = this.users.get(user);
    if (hash === undefined) return false;
    const memo = createHmac('sha256', this.key).update(`${user}\0${password}\0${hash}`).digest('base64');
    if (this.verified.has(memo)) return true;
    const ok = await bcrypt.compare(password, hash);
    if (ok) this.verified.add(memo);
    return ok;
  }
}
