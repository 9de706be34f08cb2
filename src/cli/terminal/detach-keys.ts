// The escape sequence that detaches from a container (default ctrl-p,ctrl-q), parsed from
// docker's notation and watched for in the stdin stream.
import { InvalidArgumentError } from '../../errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [0x10, 0x11]; "a" → [0x61]; ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_ too. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((k) => {
    const key = k.trim();
    if (key.length === 1) return key.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(key);
    if (m) {
      const c = m[1]!.toLowerCase();
      if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 0x60;
      const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 };
      if (c in special) return special[c]!;
    }
    throw new InvalidArgumentError(`Unknown character: '${key}'`);
  });
}

/**
 * Watches input for the sequence. Bytes that could start it are held back until it is clear
 * they don't; `feed` returns what to pass on and whether the sequence was completed.
 */
export class DetachWatcher {
  private held: number[] = [];
  constructor(private readonly keys: readonly number[]) {}

  feed(chunk: Buffer): { pass: Buffer; detached: boolean } {
    if (this.keys.length === 0) return { pass: chunk, detached: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.held.length]) {
        this.held.push(b);
        if (this.held.length === this.keys.length) return { pass: Buffer.from(out), detached: true };
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (b === this.keys[0]) this.held.push(b);
      else out.push(b);
    }
    return { pass: Buffer.from(out), detached: false };
  }
}
