// A step's cache key: a digest over its parent (the image the step starts from) and everything
// that decides its result (the instruction after substitution, the content of copied files…).
import { createHash } from 'node:crypto';

export function cacheKey(parent: string, parts: readonly unknown[]): string {
  const h = createHash('sha256');
  h.update(parent);
  h.update('\n');
  h.update(JSON.stringify(parts));
  return `sha256:${h.digest('hex')}`;
}
