// Runs a task per service in dependency order, independent services in parallel: each task
// starts once the tasks of the services it depends on have finished (or, reversed for stop and
// down, once the tasks of the services depending on it have). A failure stops the tasks not yet
// begun and is the one error thrown.
import type { ServiceConfig } from '../model/project.js';

export async function inDependencyOrder(
  services: Readonly<Record<string, ServiceConfig>>,
  names: readonly string[],
  task: (service: ServiceConfig) => Promise<void>,
  opts: { reverse?: boolean } = {},
): Promise<void> {
  const chosen = new Set(names);
  const waitsFor = new Map<string, string[]>();
  for (const name of chosen) waitsFor.set(name, []);
  for (const name of chosen) {
    for (const dep of Object.keys(services[name]?.depends_on ?? {})) {
      if (!chosen.has(dep)) continue;
      if (opts.reverse) waitsFor.get(dep)!.push(name);
      else waitsFor.get(name)!.push(dep);
    }
  }
  const running = new Map<string, Promise<void>>();
  let failed: unknown;
  const visiting = new Set<string>();
  const run = (name: string): Promise<void> => {
    const known = running.get(name);
    if (known) return known;
    // The model refuses cycles; this guard only keeps a bad call from hanging.
    if (visiting.has(name)) throw new Error(`dependency cycle through service "${name}"`);
    visiting.add(name);
    const before = waitsFor.get(name)!.map(run);
    const p = Promise.all(before).then(async () => {
      if (failed === undefined) await task(services[name]!);
    });
    p.catch((err: unknown) => {
      failed ??= err;
    });
    running.set(name, p);
    return p;
  };
  const all = [...chosen].map(run);
  await Promise.allSettled(all);
  if (failed !== undefined) throw failed;
}

/** The names and everything they depend on (transitively), for `up svc` without --no-deps. */
export function withDependencies(services: Readonly<Record<string, ServiceConfig>>, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (n: string): void => {
    if (out.has(n) || !services[n]) return;
    out.add(n);
    for (const d of Object.keys(services[n]!.depends_on)) add(d);
  };
  names.forEach(add);
  return [...out];
}

/** The services that depend on `name`, directly or not. */
export function dependantsOf(services: Readonly<Record<string, ServiceConfig>>, name: string): string[] {
  const out = new Set<string>();
  const add = (n: string): void => {
    for (const s of Object.values(services)) {
      if (s.depends_on[n] && !out.has(s.name)) {
        out.add(s.name);
        add(s.name);
      }
    }
  };
  add(name);
  return [...out];
}
