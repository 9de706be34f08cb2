// Compose's rules for combining files (and a service with the one it extends), on canonical
// data (canonical-service.ts): mappings merge key by key, the later value wins for scalars,
// sequences append — except command, entrypoint and healthcheck.test, which the later file
// replaces, and ports, volumes, secrets and configs, which are unique by their key (ports by
// host ip + published + target + protocol, volumes by target, secrets/configs by target).

type Raw = Record<string, unknown>;

const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);

const UNIQUE_BY: Record<string, (item: Raw) => string> = {
  ports: (p) => `${p.host_ip ?? ''}|${p.published ?? ''}|${p.target}|${p.protocol ?? 'tcp'}`,
  volumes: (v) => String(v.target),
  secrets: (s) => String(s.target ?? s.source),
  configs: (c) => String(c.target ?? c.source),
};

/** Merges `over` into a copy of `base` (whole canonical project files). */
export function mergeProjects(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'services' && isMap(v)) {
      const services: Raw = { ...((base.services as Raw | undefined) ?? {}) };
      for (const [name, svc] of Object.entries(v)) services[name] = name in services ? mergeService(services[name] as Raw, svc as Raw) : svc;
      out.services = services;
    } else out[k] = mergeValue(base[k], v, `#${k}`); // # keeps top-level paths apart from service keys
  }
  return out;
}

/** Merges one service over another (extends: `over` is the extending service). */
export function mergeService(base: Raw, over: Raw): Raw {
  return mergeValue(base, over, '') as Raw;
}

function mergeValue(base: unknown, over: unknown, path: string): unknown {
  if (over === undefined) return base;
  if (REPLACED.has(path)) return over;
  if (Array.isArray(base) && Array.isArray(over)) {
    const key = UNIQUE_BY[path];
    return key ? mergeUnique(base as Raw[], over as Raw[], key) : [...base, ...over];
  }
  if (isMap(base) && isMap(over)) {
    const out: Raw = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(base[k], v, path === '' ? k : `${path}.${k}`);
    return out;
  }
  return over;
}

function mergeUnique(base: Raw[], over: Raw[], key: (item: Raw) => string): Raw[] {
  const out = [...base];
  for (const item of over) {
    const at = out.findIndex((b) => key(b) === key(item));
    if (at >= 0) out[at] = item;
    else out.push(item);
  }
  return out;
}

function isMap(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
