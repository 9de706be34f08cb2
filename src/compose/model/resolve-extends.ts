// `extends`: a service starts from another one, in the same file or in another file (whose
// relative paths are resolved against that file's directory), and its own keys merge over it by
// the multi-file rules. Chains are followed; a loop is an error naming the services.
import { resolve } from 'node:path';
import { ComposeFileError, type SourcePosition } from './compose-file-error.js';
import { mergeService } from './merge-files.js';

type Raw = Record<string, unknown>;

/** A file's canonical services, loaded for extends (cached by the caller). */
export type ServicesOfFile = (absPath: string) => Promise<Record<string, Raw>>;

export async function resolveExtends(
  services: Record<string, Raw>,
  file: string,
  servicesOf: ServicesOfFile,
  positionOf: (file: string, path: string) => SourcePosition,
): Promise<Record<string, Raw>> {
  const out: Record<string, Raw> = {};
  for (const name of Object.keys(services)) out[name] = await resolveOne(name, services, file, servicesOf, positionOf, []);
  return out;
}

async function resolveOne(
  name: string,
  services: Record<string, Raw>,
  file: string,
  servicesOf: ServicesOfFile,
  positionOf: (file: string, path: string) => SourcePosition,
  chain: string[],
): Promise<Raw> {
  const svc = services[name]!;
  const ext = svc.extends as { service?: string; file?: string } | undefined;
  if (!ext) return svc;
  const key = `services.${name}.extends`;
  const id = `${file}#${name}`;
  if (chain.includes(id)) {
    const names = [...chain, id].map((c) => c.slice(c.lastIndexOf('#') + 1));
    throw new ComposeFileError(positionOf(file, key), key, `circular reference with extends: ${names.join(' -> ')}`);
  }
  const baseFile = ext.file ? resolve(file === '-' ? process.cwd() : resolve(file, '..'), ext.file) : file;
  const baseServices = ext.file ? await servicesOf(baseFile) : services;
  const baseName = ext.service ?? '';
  if (!(baseName in baseServices)) {
    throw new ComposeFileError(positionOf(file, key), key, `cannot extend service ${JSON.stringify(name)} in ${baseFile}: service ${JSON.stringify(baseName)} not found`);
  }
  const base = await resolveOne(baseName, baseServices, baseFile, servicesOf, positionOf, [...chain, id]);
  const own = { ...svc };
  delete own.extends;
  return mergeService(base, own);
}
