// `context create|export|import|inspect|ls|rm|show|update|use` over docker's context store, so that
// contexts made by docker work with berth and the other way round.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { defaultHost } from '../../client/host.js';
import type { CommandContext, CommandDefinition } from '../command.js';
import { ContextNotFoundError, ContextStore, type ContextMeta, DEFAULT_CONTEXT, type TlsFiles, validateContextName } from '../contexts/context-store.js';
import { writeCurrentContext } from '../contexts/current-context.js';
import { type EndpointSpec, endpointOf, parseDockerEndpoint } from '../contexts/docker-endpoint.js';
import { bool, str } from '../flags/flag-spec.js';
import { FORMAT_FLAG } from '../actions/inspect-objects.js';
import { HeaderContext, compileFormat, renderList, resolveFormat } from '../format/list-format.js';
import { Template } from '../format/go-template/template.js';
import { FORMAT_HELP } from './ps.js';

const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';

const storeOf = (ctx: CommandContext): ContextStore => ContextStore.of(ctx.configDir);
const current = (ctx: CommandContext): string => ctx.currentContext?.() ?? DEFAULT_CONTEXT;
const defaultEndpoint = (): EndpointSpec => ({ endpoint: { Host: process.env.BERTH_HOST || process.env.DOCKER_HOST || defaultHost(), SkipTLSVerify: false }, tls: {} });

/** docker's `context inspect` view: the stored meta plus TLS file names and storage paths. */
function inspectView(store: ContextStore, name: string): Record<string, unknown> {
  if (name === DEFAULT_CONTEXT) {
    return { Name: DEFAULT_CONTEXT, Metadata: {}, Endpoints: { docker: defaultEndpoint().endpoint }, TLSMaterial: {}, Storage: { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' } };
  }
  const meta = store.get(name);
  const tls = Object.keys(store.tls(name)).sort();
  return { ...meta, TLSMaterial: tls.length ? { docker: tls } : {}, Storage: { MetadataPath: store.metaDir(name), TLSPath: store.tlsDir(name) } };
}

const DOCKER_FLAG = str('docker', undefined, 'set the docker endpoint', undefined, 'stringToString');

export const contextCreateCommand: CommandDefinition = {
  name: 'context create',
  usage: '[OPTIONS] CONTEXT',
  description: 'Create a context',
  flags: [str('description', undefined, 'Description of the context'), DOCKER_FLAG, str('from', undefined, 'create context from a named context')],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const name = cmd.args[0]!;
    const store = storeOf(ctx);
    validateContextName(name);
    if (store.exists(name)) throw new Error(`context "${name}" already exists`);
    const f = cmd.flags;
    const from = (f.from as string | undefined) || undefined;
    let spec: EndpointSpec;
    let description = (f.description as string | undefined) ?? '';
    if (f.docker !== undefined) spec = parseDockerEndpoint(f.docker as string, store, defaultEndpoint);
    else {
      spec = endpointOf(store, from ?? current(ctx), defaultEndpoint);
      if (from && from !== DEFAULT_CONTEXT && !cmd.set.has('description')) description = store.get(from).Metadata.Description ?? '';
    }
    store.save({ Name: name, Metadata: description ? { Description: description } : {}, Endpoints: { docker: spec.endpoint } }, spec.tls);
    ctx.stdout.write(`${name}\n`);
    ctx.stderr.write(`Successfully created context "${name}"\n`);
  },
};

export const contextUpdateCommand: CommandDefinition = {
  name: 'context update',
  usage: '[OPTIONS] CONTEXT',
  description: 'Update a context',
  flags: [str('description', undefined, 'Description of the context'), DOCKER_FLAG],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const name = cmd.args[0]!;
    const store = storeOf(ctx);
    if (name === DEFAULT_CONTEXT) throw new Error(`cannot update the "${DEFAULT_CONTEXT}" context`);
    const meta = store.get(name);
    let tls: TlsFiles | undefined;
    if (cmd.set.has('description')) meta.Metadata = { ...meta.Metadata, Description: cmd.flags.description as string };
    if (cmd.flags.docker !== undefined) {
      const spec = parseDockerEndpoint(cmd.flags.docker as string, store, defaultEndpoint);
      meta.Endpoints = { ...meta.Endpoints, docker: spec.endpoint };
      tls = spec.tls;
    }
    store.save(meta, tls);
    ctx.stdout.write(`${name}\n`);
    ctx.stderr.write(`Successfully updated context "${name}"\n`);
  },
};

class ContextRow {
  constructor(
    private readonly meta: ContextMeta,
    private readonly isCurrent: boolean,
  ) {}
  Name(): string {
    return this.meta.Name;
  }
  Current(): boolean {
    return this.isCurrent;
  }
  Description(): string {
    return this.meta.Metadata.Description ?? '';
  }
  DockerEndpoint(): string {
    return this.meta.Endpoints.docker?.Host ?? '';
  }
  Error(): string {
    return '';
  }
  toTemplateJSON(): Record<string, unknown> {
    return { Current: this.isCurrent, Description: this.Description(), DockerEndpoint: this.DockerEndpoint(), Error: '', Name: this.Name() };
  }
}

const CONTEXT_HEADERS = new HeaderContext({ Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR', Current: '' });

export const contextLsCommand: CommandDefinition = {
  name: 'context ls',
  usage: '[OPTIONS]',
  description: 'List contexts',
  aliases: ['context list'],
  flags: [str('format', undefined, FORMAT_HELP), bool('quiet', 'q', 'Only show context names')],
  args: { max: 0 },
  async run(ctx, cmd) {
    const resolved = resolveFormat(cmd.flags.quiet ? '{{.Name}}' : (cmd.flags.format as string | undefined), 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}');
    compileFormat(resolved.template);
    const name = current(ctx);
    const def: ContextMeta = { Name: DEFAULT_CONTEXT, Metadata: { Description: DEFAULT_DESCRIPTION }, Endpoints: { docker: defaultEndpoint().endpoint } };
    const rows = [def, ...storeOf(ctx).list()].sort((a, b) => (a.Name < b.Name ? -1 : 1)).map((m) => new ContextRow(m, m.Name === name));
    ctx.stdout.write(renderList(resolved, rows, CONTEXT_HEADERS));
  },
};

export const contextInspectCommand: CommandDefinition = {
  name: 'context inspect',
  usage: '[OPTIONS] [CONTEXT] [CONTEXT...]',
  description: 'Display detailed information on one or more contexts',
  flags: [FORMAT_FLAG],
  async run(ctx, cmd) {
    const store = storeOf(ctx);
    const names = cmd.args.length ? cmd.args : [current(ctx)];
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const n of names) {
      try {
        found.push(inspectView(store, n));
      } catch (err) {
        errors.push(err instanceof ContextNotFoundError ? `context "${n}" does not exist` : (err as Error).message);
      }
    }
    const format = (cmd.flags.format as string | undefined) ?? '';
    if (format !== '' && format !== 'json') {
      const t = new Template(format);
      ctx.stdout.write(found.map((o) => `${t.execute(o)}\n`).join(''));
    } else ctx.stdout.write(found.length ? `${JSON.stringify(found, null, 4)}\n` : '[]\n');
    if (!errors.length) return 0;
    ctx.stderr.write(`${errors.join('\n')}\n`);
    return 1;
  },
};

export const contextRmCommand: CommandDefinition = {
  name: 'context rm',
  usage: 'CONTEXT [CONTEXT...]',
  description: 'Remove one or more contexts',
  aliases: ['context remove'],
  flags: [bool('force', 'f', 'Force the removal of a context in use')],
  args: { min: 1 },
  async run(ctx, cmd) {
    const store = storeOf(ctx);
    const inUse = current(ctx);
    const errors: string[] = [];
    for (const name of cmd.args) {
      if (name === DEFAULT_CONTEXT) errors.push(`context "${DEFAULT_CONTEXT}" cannot be removed`);
      else if (!store.exists(name)) {
        if (!cmd.flags.force) errors.push(`context "${name}" does not exist`);
      } else if (name === inUse && !cmd.flags.force) errors.push(`context "${name}" is in use, set -f flag to force remove`);
      else {
        if (name === inUse) writeCurrentContext(ctx.configDir, undefined);
        store.remove(name);
        ctx.stdout.write(`${name}\n`);
      }
    }
    if (!errors.length) return 0;
    ctx.stderr.write(`${errors.join('\n')}\n`);
    return 1;
  },
};

export const contextShowCommand: CommandDefinition = {
  name: 'context show',
  usage: '',
  description: 'Print the name of the current context',
  flags: [],
  args: { max: 0 },
  async run(ctx) {
    ctx.stdout.write(`${current(ctx)}\n`);
  },
};

export const contextUseCommand: CommandDefinition = {
  name: 'context use',
  usage: 'CONTEXT',
  description: 'Set the current docker context',
  flags: [],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const name = cmd.args[0]!;
    if (name !== DEFAULT_CONTEXT && !storeOf(ctx).exists(name)) throw new Error(`context "${name}" does not exist`);
    writeCurrentContext(ctx.configDir, name);
    ctx.stdout.write(`${name}\n`);
    ctx.stderr.write(`Current context is now "${name}"\n`);
    if (name !== DEFAULT_CONTEXT && (process.env.DOCKER_HOST || process.env.BERTH_HOST)) {
      ctx.stderr.write(`Warning: DOCKER_HOST environment variable overrides the active context. To use "${name}", either set the global --context flag, or unset DOCKER_HOST environment variable.\n`);
    }
  },
};

export const contextExportCommand: CommandDefinition = {
  name: 'context export',
  usage: '[OPTIONS] CONTEXT [FILE|-]',
  description: 'Export a context to a tar archive FILE or a tar stream on STDOUT.',
  flags: [],
  args: { min: 1, max: 2 },
  async run(ctx, cmd) {
    const name = cmd.args[0]!;
    const store = storeOf(ctx);
    let meta: ContextMeta;
    try {
      meta = store.get(name);
    } catch (err) {
      if (err instanceof ContextNotFoundError) throw new Error(`context "${name}" does not exist`);
      throw err;
    }
    const file = cmd.args[1] ?? `${name}.dockercontext`;
    const pack = tarPack();
    const zero = new Date(0);
    pack.entry({ name: 'meta.json', mode: 0o644, mtime: zero }, JSON.stringify(meta));
    pack.entry({ name: 'tls', type: 'directory', mode: 0o700, mtime: zero });
    const tls = store.tls(name);
    if (Object.keys(tls).length) pack.entry({ name: 'tls/docker', type: 'directory', mode: 0o700, mtime: zero });
    for (const [f, data] of Object.entries(tls)) pack.entry({ name: `tls/docker/${f}`, mode: 0o600, mtime: zero }, data);
    pack.finalize();
    if (file === '-') {
      await pipeline(pack, ctx.stdout, { end: false });
      return;
    }
    await pipeline(pack, createWriteStream(file));
    ctx.stderr.write(`Written file "${file}"\n`);
  },
};

export const contextImportCommand: CommandDefinition = {
  name: 'context import',
  usage: 'CONTEXT FILE|-',
  description: 'Import a context from a tar or zip file',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, cmd) {
    const [name, file] = cmd.args as [string, string];
    const store = storeOf(ctx);
    validateContextName(name);
    if (store.exists(name)) throw new Error(`context "${name}" already exists`);
    let meta: ContextMeta | undefined;
    const tls: TlsFiles = {};
    const extract = tarExtract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const data = Buffer.concat(chunks);
        if (header.name === 'meta.json') meta = JSON.parse(data.toString('utf8')) as ContextMeta;
        else if (header.type === 'file' && header.name.startsWith('tls/docker/')) tls[header.name.slice('tls/docker/'.length)] = data;
        next();
      });
    });
    await pipeline(file === '-' ? ctx.stdin : createReadStream(file), extract);
    if (!meta) throw new Error('invalid context archive: no meta.json');
    store.save({ ...meta, Name: name }, tls);
    ctx.stdout.write(`${name}\n`);
    ctx.stderr.write(`Successfully imported context "${name}"\n`);
  },
};
