// The escape sequence that detaches a client from a container's tty (docker's default
// ctrl-p,ctrl-q): docker's notation, shared by the CLI (watching the user's keys) and the
// daemon (watching a hijacked stdin), so both read `--detach-keys` and `detachKeys` alike.
import { InvalidArgumentError } from './errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** ctrl-@ is 0, ctrl-a..ctrl-z 1..26, then ctrl-[ ctrl-\ ctrl-] ctrl-^ ctrl-_ (27..31). */
const CONTROL_KEYS = '@abcdefghijklmnopqrstuvwxyz[\\]^_';

/**
 * Docker's grammar, exactly: a comma list of single characters, `ctrl-<key>` (lower case only)
 * or `DEL`. "ctrl-p,ctrl-q" → [16, 17]; "a,DEL" → [97, 127].
 */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((key) => {
    if (key.length === 1) return key.charCodeAt(0);
    if (key === 'DEL') return 127;
    const code = key.length === 6 && key.startsWith('ctrl-') ? CONTROL_KEYS.indexOf(key[5]!) : -1;
    if (code === -1) throw new InvalidArgumentError(`Unknown character: '${key}'`);
    return code;
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
