// Image references, parsed and normalised as docker does (distribution/reference grammar):
//   busybox            → docker.io/library/busybox:latest
//   host:5000/ns/name:tag, name@sha256:…, name:tag@sha256:…
import { InvalidArgumentError } from '../errors.js';
import { type Digest, isDigest } from './digest.js';

export const DEFAULT_DOMAIN = 'docker.io';
export const LEGACY_DOMAIN = 'index.docker.io';
export const DEFAULT_TAG = 'latest';

/** A fully-qualified reference: domain and path always set; tag and/or digest optional. */
export interface Reference {
  readonly domain: string;
  readonly path: string; // e.g. library/busybox
  readonly tag?: string;
  readonly digest?: Digest;
}

// The grammar of distribution/reference, piece by piece.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;
const TAG_PAT = '[\\w][\\w.-]{0,127}';
const DIGEST_PAT = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG_PAT}))?(?:@(${DIGEST_PAT}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const HEX64 = /^[a-f0-9]{64}$/;
/** Digest algorithms docker registers, with their hex lengths. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
const NAME_TOTAL_LENGTH_MAX = 255;

function invalid(detail?: string): InvalidArgumentError {
  return new InvalidArgumentError(detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

/** docker's splitDockerDomain: decides whether the first component names a registry. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { domain: DEFAULT_DOMAIN, remainder: `library/${name}` };
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    domain = maybeDomain;
    remainder = maybeRemote;
  } else if (maybeDomain === LEGACY_DOMAIN) {
    domain = DEFAULT_DOMAIN;
    remainder = maybeRemote;
  } else {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** go-digest's Validate, with its messages. */
function validateDigest(d: string): Digest {
  const colon = d.indexOf(':');
  const alg = d.slice(0, colon);
  const hex = d.slice(colon + 1);
  const len = DIGEST_HEX_LENGTH[alg];
  if (len === undefined) throw new InvalidArgumentError('unsupported digest algorithm');
  if (hex.length !== len) throw new InvalidArgumentError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new InvalidArgumentError('invalid checksum digest format');
  if (!isDigest(d)) throw new InvalidArgumentError('unsupported digest algorithm');
  return d;
}

/**
 * Parses and normalises a reference as docker's ParseNormalizedNamed does, with its error
 * messages: "invalid reference format", "invalid reference format: repository name (library/Foo)
 * must be lowercase", "invalid repository name (…), cannot specify 64-byte hexadecimal strings",
 * "repository name must not be more than 255 characters", go-digest's digest errors.
 */
export function parseReference(input: string): Reference {
  if (HEX64.test(input)) {
    throw new InvalidArgumentError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain: splitDomain, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep === -1 ? remainder : remainder.slice(0, tagSep);
  if (remote.toLowerCase() !== remote) throw invalid(`repository name (${remote}) must be lowercase`);
  const full = `${splitDomain}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE_RE.test(lower)) throw new InvalidArgumentError('repository name must be lowercase');
    throw invalid();
  }
  const nameMatch = ANCHORED_NAME_RE.exec(m[1]!);
  let domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? m[1]!;
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidArgumentError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  // A first component with a dot that is no valid host (`a_b.c/d`) leaves docker with no domain at all; refuse it.
  if (domain === '') throw invalid();
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  const tag = m[2];
  const digest = m[3] !== undefined ? validateDigest(m[3]) : undefined;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** docker's ParseDockerRef: a reference with both tag and digest keeps only the digest; a bare name gets `:latest`. */
export function parseDockerRef(input: string): Reference {
  const ref = parseReference(input);
  if (ref.digest !== undefined && ref.tag !== undefined) return { domain: ref.domain, path: ref.path, digest: ref.digest };
  return withDefaultTag(ref);
}

/** Adds `:latest` when neither tag nor digest is given (docker's TagNameOnly). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The full string: `docker.io/library/busybox:latest`. */
export function formatReference(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** The short name docker shows: `busybox`, `user/app`, `host:5000/app`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith('library/') && ref.path.split('/').length === 2 ? ref.path.slice('library/'.length) : ref.path;
}

/** `busybox:latest`, `host:5000/app@sha256:…` */
export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}
