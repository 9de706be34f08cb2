// `docker search`: the registry a term names (`127.0.0.1:5000/app` → that registry, term `app`;
// a bare term → Docker Hub's index) asked at docker's v1 search API, results filtered and capped
// as dockerd does.
import { InvalidArgumentError } from '../../errors.js';
import { FilterArgs } from '../../filters/mod.js';
import { DEFAULT_DOMAIN } from '../../oci/reference.js';
import type { AuthConfig } from './auth-config.js';
import type { RegistryHosts } from './registry-hosts.js';
import { RepositoryClient } from './repository-client.js';

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

export interface SearchOptions {
  term: string;
  /** 1–100; dockerd's default is 25. */
  limit?: number;
  filters?: FilterArgs;
  hosts: RegistryHosts;
  auth?: AuthConfig;
  signal?: AbortSignal;
}

const HUB_SEARCH = 'https://index.docker.io/v1/search';
const SEARCH_FILTERS = ['is-automated', 'is-official', 'stars'];

/** Registry domain and remote term of a search term, by docker's rule (a first part with `.` or `:`, or `localhost`). */
export function splitSearchTerm(term: string): { domain: string; term: string } {
  const slash = term.indexOf('/');
  const first = slash === -1 ? '' : term.slice(0, slash);
  if (slash === -1 || (!first.includes('.') && !first.includes(':') && first !== 'localhost')) return { domain: DEFAULT_DOMAIN, term };
  const rest = term.slice(slash + 1);
  return { domain: first, term: first === 'index.docker.io' || first === DEFAULT_DOMAIN ? rest.replace(/^library\//, '') : rest };
}

function invalidFilter(name: string, value?: string): InvalidArgumentError {
  return new InvalidArgumentError(value === undefined ? `invalid filter '${name}'` : `invalid filter '${name}=${value}'`);
}

/** A boolean filter's single value, checked as dockerd checks it. */
function boolFilter(filters: FilterArgs, name: string): boolean | undefined {
  if (!filters.has(name)) return undefined;
  const v = filters.get(name);
  if (v.length === 1 && (v[0] === 'true' || v[0] === 'false')) return v[0] === 'true';
  throw invalidFilter(name, v.join(','));
}

export async function searchRegistry(opts: SearchOptions): Promise<SearchResult[]> {
  const filters = (opts.filters ?? FilterArgs.empty()).validate(SEARCH_FILTERS);
  const automated = boolFilter(filters, 'is-automated');
  const official = boolFilter(filters, 'is-official');
  let minStars = 0;
  for (const s of filters.get('stars')) {
    if (!/^[+-]?\d+$/.test(s)) throw invalidFilter('stars', s);
    minStars = Math.max(minStars, Number(s));
  }
  const limit = opts.limit ?? 25;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError(`limit ${limit} is outside the range of [1, 100]`);
  // Automated builds are gone from Docker Hub: asking for them finds nothing, as in dockerd.
  if (automated === true) return [];

  const { domain, term } = splitSearchTerm(opts.term);
  const client = new RepositoryClient({ hosts: opts.hosts, domain, path: '', ...(opts.auth ? { auth: opts.auth } : {}) });
  const query = `?q=${encodeURIComponent(term)}&n=${limit}`;
  const res = await client.call({
    method: 'GET',
    path: (domain === DEFAULT_DOMAIN ? HUB_SEARCH : '/v1/search') + query,
    extraScopes: ['registry:catalog:search'],
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const body = (await res.body.json()) as { results?: SearchResult[] | null };
  return (body.results ?? []).filter((r) =>
    (automated === undefined || Boolean(r.is_automated) === automated) &&
    (official === undefined || Boolean(r.is_official) === official) &&
    (r.star_count ?? 0) >= minStars);
}
