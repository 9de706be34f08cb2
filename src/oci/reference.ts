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

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HEX64 = /^[a-f0-9]{64}$/;

function invalid(detail?: string): InvalidArgumentError {
  return new InvalidArgumentError(detail ? `invalid reference format: ${detail}` : 'invalid reference format');
}

function isDomain(s: string): boolean {
  if (s.startsWith('[')) {
    // IPv6 literal, optionally with port
    return /^\[[a-fA-F0-9:]+\](?::[0-9]+)?$/.test(s);
  }
  const [host, port, extra] = s.split(':');
  if (extra !== undefined || host === undefined || host === '') return false;
  if (port !== undefined && !/^[0-9]+$/.test(port)) return false;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/** Splits off a leading domain the way docker decides whether the first component is one. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash === -1 || (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)) {
    return { domain: DEFAULT_DOMAIN, path: name };
  }
  return { domain: first, path: name.slice(slash + 1) };
}

/** Parses and normalises a reference; throws InvalidArgumentError with docker's message. */
export function parseReference(input: string): Reference {
  if (input === '') throw invalid();
  if (HEX64.test(input)) {
    throw new InvalidArgumentError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) throw invalid();
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid();
  }
  if (rest === '') throw invalid();
  let { domain, path } = splitDomain(rest);
  if (path.toLowerCase() !== path) {
    throw invalid(`repository name (${domain === DEFAULT_DOMAIN && !path.includes('/') ? 'library/' + path : path}) must be lowercase`);
  }
  if (!isDomain(domain)) throw invalid();
  if (!path.split('/').every((c) => COMPONENT.test(c))) throw invalid();
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (domain.length + 1 + path.length > 255) {
    throw new InvalidArgumentError('invalid reference format: repository name must not be more than 255 characters');
  }
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
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
