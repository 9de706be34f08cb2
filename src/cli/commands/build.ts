// `berth build [OPTIONS] PATH | -`: the context packed as the docker CLI packs it (.dockerignore
// applied, owners 0:0), a Dockerfile from outside the context (or stdin) added to the tar under a
// private name, and the daemon's progress printed as BuildKit's plain output.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { confirmPrompt } from '../actions/confirm-prompt.js';
import { pruneBuildCacheReport } from '../actions/prune-reports.js';
import { isAbsolute, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { readJsonStream } from '../../client/json-stream.js';
import { parseFilters } from '../../client/filters.js';
import { keepBuildFiles, loadDockerignore, packContext } from '../../build/context/mod.js';
import { type CommandDefinition, ExitError, UsageError } from '../command.js';
import { bool, int, list, parseBytes, parseMemSwap, str, typed } from '../flags/flag-spec.js';
import { splitCsv } from '../flags/csv-fields.js';
import { parseExtraHost } from '../container-options/extra-host.js';
import { parseUlimit } from '../container-options/mount-spec.js';
import { humanSize } from '../format/units.js';

interface BuildMessage {
  stream?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

function keyValues(items: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq === -1) {
      // `--build-arg NAME` takes the value from the environment, as docker does.
      if (what === 'build-arg' && process.env[item] !== undefined) out[item] = process.env[item]!;
      else if (what !== 'build-arg') out[item] = '';
      continue;
    }
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `--secret id=x,src=path` (also `source=`, and `env=` for a variable). */
function parseSecret(spec: string): [string, string] {
  const fields = Object.fromEntries(spec.split(',').map((f) => {
    const eq = f.indexOf('=');
    return eq === -1 ? [f, ''] : [f.slice(0, eq), f.slice(eq + 1)];
  }));
  const id = fields.id;
  const src = fields.src ?? fields.source;
  if (!id || !src) throw new UsageError(`invalid secret ${JSON.stringify(spec)}: want id=ID,src=PATH`);
  return [id, resolve(src)];
}

/** Re-packs a context tar with one more file (the Dockerfile from outside the context). */
function withExtraFile(tar: Readable, name: string, data: Buffer): Readable {
  const ex = tarExtract();
  const pk = tarPack();
  ex.on('entry', (header, stream, next) => {
    stream.pipe(pk.entry(header, next));
  });
  ex.on('finish', () => {
    pk.entry({ name, mode: 0o644, uid: 0, gid: 0, mtime: new Date() }, data);
    pk.finalize();
  });
  ex.on('error', (err: Error) => pk.destroy(err));
  tar.pipe(ex);
  const out = new PassThrough();
  pk.pipe(out);
  return out;
}

/** The classic builder's limits for RUN containers, as docker's client puts them in the /build query. */
function resourceQuery(f: Record<string, unknown>): Record<string, string | string[] | undefined> {
  const num = (name: string): string | undefined => (f[name] !== undefined ? String(f[name]) : undefined);
  const strs = (name: string): string[] => (f[name] as string[]).flatMap(splitCsv).filter(Boolean);
  const ulimits = f.ulimit as unknown[];
  return {
    extrahosts: (f['add-host'] as string[]).length ? (f['add-host'] as string[]) : undefined,
    cachefrom: strs('cache-from').length ? JSON.stringify(strs('cache-from')) : undefined,
    securityopt: strs('security-opt').length ? strs('security-opt') : undefined,
    rm: f.rm ? '1' : '0',
    forcerm: f['force-rm'] ? '1' : undefined,
    cgroupparent: (f['cgroup-parent'] as string | undefined) || undefined,
    cpushares: num('cpu-shares'),
    cpuperiod: num('cpu-period'),
    cpuquota: num('cpu-quota'),
    cpusetcpus: (f['cpuset-cpus'] as string | undefined) || undefined,
    cpusetmems: (f['cpuset-mems'] as string | undefined) || undefined,
    memory: num('memory'),
    memswap: num('memory-swap'),
    shmsize: num('shm-size'),
    ulimits: ulimits.length ? JSON.stringify(ulimits) : undefined,
  };
}

export const buildCommand: CommandDefinition = {
  name: 'build',
  aliases: ['image build', 'builder build'],
  usage: '[OPTIONS] PATH | -',
  description: 'Build an image from a Dockerfile',
  flags: [
    list('tag', 't', 'Name and optionally a tag in the "name:tag" format'),
    str('file', 'f', "Name of the Dockerfile (Default is 'PATH/Dockerfile')"),
    list('build-arg', undefined, 'Set build-time variables'),
    list('label', undefined, 'Set metadata for an image'),
    str('target', undefined, 'Set the target build stage to build'),
    bool('no-cache', undefined, 'Do not use cache when building the image'),
    bool('pull', undefined, 'Always attempt to pull a newer version of the image'),
    bool('quiet', 'q', 'Suppress the build output and print image ID on success'),
    str('iidfile', undefined, 'Write the image ID to the file'),
    list('build-context', undefined, 'Additional build contexts (e.g., name=path)'),
    list('secret', undefined, 'Secret to expose to the build (format: "id=mysecret,src=/local/secret")'),
    str('platform', undefined, 'Set target platform for build'),
    str('progress', undefined, 'Set type of progress output ("auto", "plain")', 'auto'),
    str('network', undefined, 'Set the networking mode for the RUN instructions during build', 'default'),
    list('add-host', undefined, 'Add a custom host-to-IP mapping ("host:ip")', 'list', parseExtraHost),
    list('cache-from', undefined, 'Images to consider as cache sources', 'strings'),
    str('cgroup-parent', undefined, 'Set the parent cgroup for the "RUN" instructions during build'),
    bool('compress', undefined, 'Compress the build context using gzip'),
    // Accepted as pull and push accept it: berth verifies no signatures, so only the default applies.
    bool('disable-content-trust', undefined, 'Skip image verification', true),
    int('cpu-period', undefined, 'Limit the CPU CFS (Completely Fair Scheduler) period'),
    int('cpu-quota', undefined, 'Limit the CPU CFS (Completely Fair Scheduler) quota'),
    int('cpu-shares', 'c', 'CPU shares (relative weight)'),
    str('cpuset-cpus', undefined, 'CPUs in which to allow execution (0-3, 0,1)'),
    str('cpuset-mems', undefined, 'MEMs in which to allow execution (0-3, 0,1)'),
    bool('force-rm', undefined, 'Always remove intermediate containers'),
    typed('memory', 'm', 'bytes', 'Memory limit', parseBytes),
    typed('memory-swap', undefined, 'bytes', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap', parseMemSwap),
    bool('rm', undefined, 'Remove intermediate containers after a successful build', true),
    list('security-opt', undefined, 'Security options', 'strings'),
    typed('shm-size', undefined, 'bytes', 'Size of "/dev/shm"', parseBytes),
    list('ulimit', undefined, 'Ulimit options', 'ulimit', parseUlimit),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const pathArg = cmd.args[0]!;
    const fileFlag = (f.file as string | undefined) ?? '';
    let contextDir: string | undefined;
    let body: Readable;
    let dockerfileParam = 'Dockerfile';
    if (pathArg === '-') {
      // Only a Dockerfile on stdin: an empty context.
      const chunks: Buffer[] = [];
      for await (const c of ctx.stdin) chunks.push(c as Buffer);
      const pk = tarPack();
      pk.entry({ name: 'Dockerfile', mode: 0o644, uid: 0, gid: 0 }, Buffer.concat(chunks));
      pk.finalize();
      body = new PassThrough();
      pk.pipe(body as PassThrough);
    } else {
      contextDir = resolve(pathArg);
      const st = await stat(contextDir).catch(() => undefined);
      if (!st?.isDirectory()) throw new ExitError(`unable to prepare context: path "${pathArg}" not found`, 1);
      let extra: { name: string; data: Buffer } | undefined;
      if (fileFlag === '-') {
        const chunks: Buffer[] = [];
        for await (const c of ctx.stdin) chunks.push(c as Buffer);
        extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, data: Buffer.concat(chunks) };
      } else if (fileFlag) {
        const abs = isAbsolute(fileFlag) ? fileFlag : resolve(fileFlag);
        const rel = relative(contextDir, abs);
        if (rel.startsWith('..') || isAbsolute(rel)) extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, data: await readFile(abs) };
        else dockerfileParam = rel;
      }
      if (extra) dockerfileParam = extra.name;
      const ignore = await loadDockerignore(contextDir, fileFlag && fileFlag !== '-' && !extra ? dockerfileParam : 'Dockerfile');
      const excludes = keepBuildFiles(ignore.patterns, extra ? undefined : dockerfileParam, ignore.path ?? '.dockerignore');
      const tar = packContext(contextDir, { excludes });
      body = extra ? withExtraFile(tar, extra.name, extra.data) : tar;
    }
    const buildContexts: Record<string, string> = {};
    for (const [k, v] of Object.entries(keyValues(f['build-context'] as string[], 'build-context'))) buildContexts[k] = resolve(v);
    const secrets = Object.fromEntries((f.secret as string[]).map(parseSecret));
    const quiet = Boolean(f.quiet);
    if (f.compress) body = body.pipe(createGzip());
    const client = await ctx.client();
    const res = await client.send('POST', '/build', {
      query: {
        t: f.tag as string[],
        dockerfile: dockerfileParam,
        buildargs: JSON.stringify(keyValues(f['build-arg'] as string[], 'build-arg')),
        labels: JSON.stringify(keyValues(f.label as string[], 'label')),
        target: (f.target as string | undefined) || undefined,
        nocache: f['no-cache'] ? '1' : undefined,
        pull: f.pull ? '1' : undefined,
        q: quiet ? '1' : undefined,
        platform: (f.platform as string | undefined) || undefined,
        networkmode: (f.network as string | undefined) || undefined,
        ...resourceQuery(f),
        progress: 'plain',
        'berth.buildcontexts': Object.keys(buildContexts).length ? JSON.stringify(buildContexts) : undefined,
        'berth.secrets': Object.keys(secrets).length ? JSON.stringify(secrets) : undefined,
      },
      body,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    let imageId: string | undefined;
    let failure: BuildMessage['errorDetail'] | undefined;
    for await (const msg of readJsonStream<BuildMessage>(res)) {
      if (msg.errorDetail || msg.error) {
        failure = msg.errorDetail ?? { message: msg.error ?? 'unknown error' };
        continue;
      }
      if (msg.aux?.ID) imageId = msg.aux.ID;
      if (msg.stream && !quiet) ctx.stderr.write(msg.stream);
    }
    if (failure) throw new ExitError(`ERROR: ${failure.message ?? ''}`, 1);
    if (!imageId) throw new ExitError('ERROR: the build ended without an image', 1);
    if (quiet) ctx.stdout.write(`${imageId}\n`);
    if (f.iidfile) await writeFile(f.iidfile as string, imageId);
  },
};

/** `berth builder prune`: POST /build/prune, printed as docker prints it. */
export const builderPruneCommand: CommandDefinition = {
  name: 'builder prune',
  usage: '[OPTIONS]',
  description: 'Remove build cache',
  flags: [
    bool('all', 'a', 'Remove all unused build cache, not just dangling ones'),
    list('filter', undefined, 'Provide filter values (e.g. "until=24h")', 'filter'),
    bool('force', 'f', 'Do not prompt for confirmation'),
    typed('keep-storage', undefined, 'bytes', 'Amount of disk space to keep for cache', parseBytes),
  ],
  args: { max: 0 },
  async run(ctx, cmd) {
    const all = Boolean(cmd.flags.all);
    const warning = all ? 'WARNING! This will remove all build cache.' : 'WARNING! This will remove all dangling build cache.';
    if (!cmd.flags.force && !(await confirmPrompt(ctx, warning))) return 0;
    const client = await ctx.client();
    const r = await pruneBuildCacheReport(client, parseFilters(cmd.flags.filter as string[]), all, cmd.flags['keep-storage'] as number | undefined);
    ctx.stdout.write(`${r.output}Total reclaimed space: ${humanSize(r.reclaimed)}\n`);
  },
};
