// The distribution spec's grammar for repository names and tags. Names here are exactly what the
// client sent (no docker.io normalisation): a registry stores whatever valid name it is given.

const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Many clients cap `host/name` at 255 characters; a name alone may not exceed that either. */
export const MAX_NAME_LENGTH = 255;

export function isRepositoryName(s: string): boolean {
  return s.length <= MAX_NAME_LENGTH && NAME_RE.test(s);
}

export function isTag(s: string): boolean {
  return TAG_RE.test(s);
}
