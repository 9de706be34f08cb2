// `--docker "host=…,ca=…,cert=…,key=…,skip-tls-verify=…,from=…"` of `context create|update`: the
// endpoint and the TLS files it names, with docker's error texts.
import { readFileSync } from 'node:fs';
import { type ContextStore, type DockerEndpoint, type TlsFiles } from './context-store.js';

export interface EndpointSpec {
  endpoint: DockerEndpoint;
  tls: TlsFiles;
}

export function parseDockerEndpoint(spec: string, store: ContextStore, defaultEndpoint: () => EndpointSpec): EndpointSpec {
  const fields: Record<string, string> = {};
  for (const part of spec.split(',').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!['host', 'ca', 'cert', 'key', 'skip-tls-verify', 'from'].includes(key)) throw new Error(`unable to parse docker endpoint: unrecognized config key: ${key}`);
    fields[key] = eq < 0 ? '' : part.slice(eq + 1);
  }
  if (fields.from !== undefined) return endpointOf(store, fields.from, defaultEndpoint);
  const tls: TlsFiles = {};
  try {
    for (const [key, file] of [['ca', 'ca.pem'], ['cert', 'cert.pem'], ['key', 'key.pem']] as const) {
      if (fields[key]) tls[file] = readFileSync(fields[key]!);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`unable to create docker endpoint config: open ${e.path ?? ''}: no such file or directory`);
  }
  const skip = fields['skip-tls-verify'];
  return { endpoint: { Host: fields.host ?? '', SkipTLSVerify: skip !== undefined && /^(1|t|true)$/i.test(skip || 'true') }, tls };
}

/** The endpoint of a stored context, or of the default one. */
export function endpointOf(store: ContextStore, name: string, defaultEndpoint: () => EndpointSpec): EndpointSpec {
  if (name === 'default') return defaultEndpoint();
  const meta = store.get(name);
  return { endpoint: { ...meta.Endpoints.docker }, tls: store.tls(name) };
}
