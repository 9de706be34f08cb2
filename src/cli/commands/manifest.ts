// `berth manifest inspect|create|annotate|push|rm`: docker's manifest lists, made on this machine
// (docker's ~/.docker/manifests store) from images already in a registry, then pushed as an index.
// Like docker's, these commands talk to registries directly, not through the daemon.
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { type Reference, formatReference, parseReference, withDefaultTag } from '../../oci/reference.js';
import type { AuthConfig } from '../../registry/client/auth-config.js';
import { DockerCredentials } from '../../registry/client/docker-config.js';
import { type ManifestEntry, type RegistryAccess, buildManifestList, fetchEntries, fetchImageEntry, pushManifestList } from '../../registry/client/manifest-list.js';
import { RegistryHosts } from '../../registry/client/registry-hosts.js';
import type { CommandContext, CommandDefinition } from '../command.js';
import { configDirOf } from '../contexts/context-store.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { ManifestStore, toManifestJson } from '../manifests/manifest-store.js';
import { isValidOsArch } from '../manifests/os-arch.js';

/** docker's normalizeReference: a name without tag or digest gets `:latest`. */
function normalize(name: string): Reference {
  return withDefaultTag(parseReference(name));
}

/** Registry access for `ref`'s registry: the CLI's stored credentials; `--insecure` allows http and any certificate. */
async function access(ctx: CommandContext, ref: Reference, insecure: boolean): Promise<RegistryAccess> {
  const hosts = new RegistryHosts({ insecureRegistries: insecure ? [ref.domain] : [] });
  let auth: AuthConfig | undefined;
  try {
    auth = await new DockerCredentials(join(configDirOf(ctx.configDir), 'config.json')).get(ref.domain);
  } catch {
    auth = undefined;
  }
  return { hosts, ...(auth ? { auth } : {}) };
}

const INSECURE = bool('insecure', undefined, 'Allow communication with an insecure registry');

export const manifestInspectCommand: CommandDefinition = {
  name: 'manifest inspect',
  usage: '[OPTIONS] [MANIFEST_LIST] MANIFEST',
  description: 'Display an image manifest, or manifest list',
  flags: [INSECURE, bool('verbose', 'v', 'Output additional info including layers and platform')],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    const verbose = Boolean(cmd.flags.verbose);
    const store = ManifestStore.of(ctx.configDir);
    const printOne = (e: ManifestEntry): void => {
      ctx.stdout.write(verbose ? `${JSON.stringify(toManifestJson(e), null, '\t')}\n` : `${JSON.stringify(JSON.parse(e.raw.toString('utf8')), null, '\t')}\n`);
    };
    const printList = (target: Reference, entries: ManifestEntry[]): void => {
      ctx.stdout.write(verbose ? `${JSON.stringify(entries.map(toManifestJson), null, '\t')}\n` : `${buildManifestList(target, entries).bytes.toString('utf8')}\n`);
    };
    if (cmd.args.length === 2) {
      const listRef = normalize(cmd.args[0]!);
      const ref = normalize(cmd.args[1]!);
      const e = await store.get(listRef, ref);
      if (!e) throw new InvalidArgumentError(`No such manifest: ${formatReference(ref)}`);
      return printOne(e);
    }
    const ref = normalize(cmd.args[0]!);
    const local = await store.getList(ref).catch(() => undefined);
    if (local) return printList(ref, local);
    const remote = await fetchEntries(ref, await access(ctx, ref, Boolean(cmd.flags.insecure)));
    if (remote.list) printList(ref, remote.entries);
    else printOne(remote.entries[0]!);
  },
};

export const manifestCreateCommand: CommandDefinition = {
  name: 'manifest create',
  usage: 'MANIFEST_LIST MANIFEST [MANIFEST...]',
  description: 'Create a local manifest list for annotating and pushing to a registry',
  flags: [bool('amend', 'a', 'Amend an existing manifest list'), INSECURE],
  args: { min: 2 },
  async run(ctx, cmd) {
    const target = normalize(cmd.args[0]!);
    const store = ManifestStore.of(ctx.configDir);
    const exists = await store.getList(target).then(() => true, () => false);
    if (exists && !cmd.flags.amend) throw new InvalidArgumentError('refusing to amend an existing manifest list with no --amend flag');
    for (const name of cmd.args.slice(1)) {
      const ref = normalize(name);
      const entry = (await store.get(target, ref)) ?? (await fetchImageEntry(ref, await access(ctx, ref, Boolean(cmd.flags.insecure))));
      await store.save(target, entry);
    }
    ctx.stdout.write(`Created manifest list ${formatReference(target)}\n`);
  },
};

export const manifestAnnotateCommand: CommandDefinition = {
  name: 'manifest annotate',
  usage: '[OPTIONS] MANIFEST_LIST MANIFEST',
  description: 'Add additional information to a local image manifest',
  flags: [
    str('arch', undefined, 'Set architecture'),
    str('os', undefined, 'Set operating system'),
    list('os-features', undefined, 'Set operating system feature', 'strings'),
    str('os-version', undefined, 'Set operating system version'),
    str('variant', undefined, 'Set architecture variant'),
  ],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const target = normalize(cmd.args[0]!);
    const ref = normalize(cmd.args[1]!);
    const store = ManifestStore.of(ctx.configDir);
    const entry = await store.get(target, ref);
    if (!entry) throw new InvalidArgumentError(`manifest for image ${cmd.args[1]} does not exist in ${cmd.args[0]}`);
    const p = { ...(entry.descriptor.platform ?? { architecture: '', os: '' }) };
    if (f.os) p.os = f.os as string;
    if (f.arch) p.architecture = f.arch as string;
    for (const feature of (f['os-features'] as string[]).flatMap((s) => s.split(','))) {
      if (!(p['os.features'] ?? []).includes(feature)) p['os.features'] = [...(p['os.features'] ?? []), feature];
    }
    if (f.variant) p.variant = f.variant as string;
    if (f['os-version']) p['os.version'] = f['os-version'] as string;
    if (!isValidOsArch(p.os, p.architecture)) {
      throw new InvalidArgumentError(`manifest entry for image has unsupported os/arch combination: ${(f.os as string | undefined) ?? ''}/${(f.arch as string | undefined) ?? ''}`);
    }
    await store.save(target, { ...entry, descriptor: { ...entry.descriptor, platform: p } });
  },
};

export const manifestPushCommand: CommandDefinition = {
  name: 'manifest push',
  usage: '[OPTIONS] MANIFEST_LIST',
  description: 'Push a manifest list to a repository',
  flags: [INSECURE, bool('purge', 'p', 'Remove the local manifest list after push')],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const target = normalize(cmd.args[0]!);
    const store = ManifestStore.of(ctx.configDir);
    const entries = await store.getList(target);
    const pushed = await pushManifestList(target, entries, await access(ctx, target, Boolean(cmd.flags.insecure)));
    for (const c of pushed.copied) ctx.stdout.write(`Pushed ref ${c.ref} with digest: ${c.digest}\n`);
    ctx.stdout.write(`${pushed.digest}\n`);
    if (cmd.flags.purge) await store.remove(target);
  },
};

export const manifestRmCommand: CommandDefinition = {
  name: 'manifest rm',
  usage: 'MANIFEST_LIST [MANIFEST_LIST...]',
  description: 'Delete one or more manifest lists from local storage',
  flags: [],
  args: { min: 1 },
  async run(ctx, cmd) {
    const store = ManifestStore.of(ctx.configDir);
    const errors: string[] = [];
    for (const name of cmd.args) {
      const ref = normalize(name);
      try {
        await store.getList(ref);
        await store.remove(ref);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    if (errors.length) throw new InvalidArgumentError(errors.join('\n'));
  },
};
