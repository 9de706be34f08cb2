// Plugin endpoints of the Engine API (docker's managed v2 plugins). berthd has no plugin system and
// answers these as a dockerd with no plugins does; the CLI still speaks them so that the daemon decides.
import type { ApiClient } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';

const enc = encodeURIComponent;

/** The fields of docker's plugin object that the CLI reads. */
export interface PluginRecord {
  Id: string;
  Name: string;
  Enabled: boolean;
  PluginReference?: string;
  Config?: { Description?: string };
}

export async function listPlugins(c: ApiClient, filters?: Filters): Promise<PluginRecord[]> {
  return (await c.json<PluginRecord[] | null>('GET', '/plugins', { query: { filters: encodeFilters(filters) } })) ?? [];
}

/** What the plugin at `remote` asks to be granted; docker's install and upgrade ask this first. */
export async function pluginPrivileges(c: ApiClient, remote: string, auth: string): Promise<unknown[]> {
  return (await c.json<unknown[] | null>('GET', '/plugins/privileges', { query: { remote }, headers: { 'X-Registry-Auth': auth } })) ?? [];
}

export interface PluginPull {
  remote: string;
  name: string;
  auth: string;
  privileges: unknown[];
  settings: readonly string[];
}

/** Pulls and installs (the progress stream is drained); `settings` are applied afterwards, as docker does. */
export async function pullPlugin(c: ApiClient, p: PluginPull): Promise<void> {
  await c.call('POST', '/plugins/pull', { query: { remote: p.remote, name: p.name }, headers: { 'X-Registry-Auth': p.auth }, body: p.privileges });
  if (p.settings.length > 0) await setPlugin(c, p.name, p.settings);
}

export async function removePlugin(c: ApiClient, name: string, force: boolean): Promise<void> {
  await c.call('DELETE', `/plugins/${enc(name)}`, { query: { force: force || undefined } });
}

export async function enablePlugin(c: ApiClient, name: string, timeout: number): Promise<void> {
  await c.call('POST', `/plugins/${enc(name)}/enable`, { query: { timeout } });
}

export async function disablePlugin(c: ApiClient, name: string, force: boolean): Promise<void> {
  await c.call('POST', `/plugins/${enc(name)}/disable`, { query: { force: force || undefined } });
}

export async function setPlugin(c: ApiClient, name: string, settings: readonly string[]): Promise<void> {
  await c.call('POST', `/plugins/${enc(name)}/set`, { body: settings });
}

export async function pushPlugin(c: ApiClient, name: string, auth: string): Promise<void> {
  await c.call('POST', `/plugins/${enc(name)}/push`, { headers: { 'X-Registry-Auth': auth } });
}

/** Sends no context: a daemon with plugins would want the data directory as a tar; berthd refuses first. */
export async function createPlugin(c: ApiClient, name: string): Promise<void> {
  await c.call('POST', '/plugins/create', { query: { name } });
}
