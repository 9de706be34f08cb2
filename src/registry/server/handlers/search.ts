// GET /v1/search?q=&n=: docker's search API over this registry's repositories, so `docker search
// host:port/term` finds them. Name match is a case-insensitive substring; the description is the
// `org.opencontainers.image.description` label of the image a tag (latest first) points at; no stars.
import type { Digest } from '../../../oci/digest.js';
import { type Ctx, sendJson } from '../context.js';
import { RegistryError } from '../registry-error.js';
import type { Route } from '../routes.js';
import type { RegistryStorage } from '../storage.js';

const DESCRIPTION_LABEL = 'org.opencontainers.image.description';
/** docker's default and largest page of search results. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;

interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

async function readJson(storage: RegistryStorage, digest: Digest): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse((await storage.content.readBytes(digest)).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The description label of the image `repo`'s preferred tag names (an index: its first image). */
async function describe(storage: RegistryStorage, repo: string): Promise<string> {
  const tags = storage.meta.tags(repo, '', Number.MAX_SAFE_INTEGER);
  const tag = tags.includes('latest') ? 'latest' : tags[0];
  let digest = tag === undefined ? undefined : storage.resolveTag(repo, tag);
  for (let depth = 0; digest && depth < 2; depth++) {
    const m = await storage.manifest(repo, digest);
    if (!m) return '';
    const doc = JSON.parse(m.bytes.toString('utf8')) as { manifests?: Array<{ digest: Digest }>; config?: { digest: Digest } };
    if (doc.config) {
      const config = await readJson(storage, doc.config.digest);
      const labels = (config?.config as { Labels?: Record<string, string> } | undefined)?.Labels;
      return labels?.[DESCRIPTION_LABEL] ?? '';
    }
    digest = doc.manifests?.[0]?.digest;
  }
  return '';
}

export async function searchRepositories(ctx: Ctx<Extract<Route, { kind: 'search' }>>): Promise<void> {
  const q = ctx.query.get('q') ?? '';
  const rawN = ctx.query.get('n');
  let n = DEFAULT_LIMIT;
  if (rawN !== null && rawN !== '') {
    if (!/^\d+$/.test(rawN)) throw new RegistryError(400, 'UNSUPPORTED', 'n must be a non-negative integer', { n: rawN });
    n = Math.min(Math.max(Number(rawN), 1), MAX_LIMIT);
  }
  const { storage } = ctx.registry;
  const needle = q.toLowerCase();
  const names = storage.meta.repositories('', Number.MAX_SAFE_INTEGER).filter((r) => r.toLowerCase().includes(needle));
  const results: SearchResult[] = [];
  for (const name of names.slice(0, n)) {
    results.push({ name, description: await describe(storage, name), star_count: 0, is_official: false, is_automated: false });
  }
  sendJson(ctx, 200, { num_results: names.length, query: q, page: 1, page_size: n, results });
}
