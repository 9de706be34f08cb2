// Compares secrets (tokens, session ids, CSRF tokens) in constant time.
import { timingSafeEqual } from 'node:crypto';

export function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
