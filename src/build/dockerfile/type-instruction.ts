// Second pass: one split instruction → its typed form, with flags checked and arguments counted,
// in BuildKit's words where it rejects something.
import { InstructionSyntaxError, type SplitInstruction } from './argument-forms.js';
import { formatGoDuration, parseGoDuration } from './go-duration.js';
import { type Heredoc, chompHeredocContent, heredocWordOrUndefined } from './heredoc.js';
import { type FlagSpec, parseFlags } from './instruction-flags.js';
import type {
  AddInstruction,
  CopyInstruction,
  FromInstruction,
  HealthConfig,
  InlineSource,
  Instruction,
  KeyValue,
  SourceLocation,
} from './instructions.js';
import { parseRunMount } from './run-mount.js';
import { suggest } from './suggest.js';
import { trimSpace } from './go-strings.js';

/** What the typing step needs of a logical line. */
export interface InstructionSource extends SplitInstruction {
  original: string;
  heredocs: Heredoc[];
  location: SourceLocation;
  comments: string[];
}

export const INSTRUCTION_NAMES = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;

const NO_FLAGS: FlagSpec = {};
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

const fail = (msg: string): never => {
  throw new InstructionSyntaxError(msg);
};

function base(src: InstructionSource) {
  return { keyword: src.command, original: trimSpace(src.original), location: src.location, comments: src.comments };
}

function atLeastOne(cmd: string): never {
  return fail(`${cmd} requires at least one argument`);
}

function exactlyOne(cmd: string): never {
  return fail(`${cmd} requires exactly one argument`);
}

function shellDependent(src: InstructionSource): { command: string[]; prependShell: boolean } {
  const args = src.args.length === 0 ? [] : src.json ? src.args : [src.args.join(' ')];
  return { command: args, prependShell: !src.json };
}

function keyValues(args: string[], cmd: string): KeyValue[] {
  if (args.length === 0) atLeastOne(cmd);
  if (args.length % 3 !== 0) fail(`Bad input to ${cmd}, too many arguments`);
  const out: KeyValue[] = [];
  for (let j = 0; j < args.length; j += 3) {
    if (args[j]!.length === 0) fail(`${cmd} names can not be blank`);
    out.push({ key: args[j]!, value: args[j + 1]!, noDelim: args[j + 2] === '' });
  }
  return out;
}

function sourcesAndDest(src: InstructionSource, cmd: string): { sources: string[]; inlineSources: InlineSource[]; dest: string } {
  const dest = src.args[src.args.length - 1]!;
  if (heredocWordOrUndefined(dest)) fail(`${cmd} cannot accept a heredoc as a destination`);
  const byName = new Map(src.heredocs.map((h) => [h.name, h]));
  const sources: string[] = [];
  const inlineSources: InlineSource[] = [];
  for (const s of src.args.slice(0, -1)) {
    const doc = src.json ? undefined : heredocWordOrUndefined(s);
    if (doc) {
      let data = byName.get(doc.name)?.content ?? '';
      if (doc.chomp) data = chompHeredocContent(data);
      inlineSources.push({ path: doc.name, data, expand: doc.expand });
    } else {
      sources.push(s);
    }
  }
  return { sources, inlineSources, dest };
}

function parseInterval(value: string | undefined, name: string): number {
  if (!value) return 0;
  const ns = parseGoDuration(value);
  if (ns === 0) return 0;
  if (ns < 1e6) fail(`Interval ${JSON.stringify(name)} cannot be less than ${formatGoDuration(1e6)}`);
  return ns;
}

export function typeFrom(src: InstructionSource): FromInstruction {
  const args = src.args;
  let stageName: string | undefined;
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    stageName = args[2]!.toLowerCase();
    if (!STAGE_NAME.test(stageName)) {
      fail(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    fail('FROM requires either one or three arguments');
  }
  const flags = parseFlags(src.flags, { platform: 'string' });
  const platform = flags.strings.get('platform');
  return { kind: 'FROM', ...base(src), baseName: args[0]!, stageName, platform: platform === '' ? undefined : platform };
}

/** Types any instruction but FROM (which starts a stage). */
export function typeInstruction(src: InstructionSource): Instruction {
  const cmd = src.command.toLowerCase();
  const args = src.args;
  switch (cmd) {
    case 'env': {
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'ENV', ...base(src), pairs: keyValues(args, 'ENV') };
    }
    case 'label': {
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'LABEL', ...base(src), pairs: keyValues(args, 'LABEL') };
    }
    case 'maintainer': {
      if (args.length !== 1) exactlyOne('MAINTAINER');
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'MAINTAINER', ...base(src), maintainer: args[0]! };
    }
    case 'add': {
      if (args.length < 2) fail('ADD requires at least two arguments, but only one was provided. Destination could not be determined');
      const f = parseFlags(src.flags, {
        chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool', exclude: 'strings',
      });
      const add: AddInstruction = {
        kind: 'ADD',
        ...base(src),
        ...sourcesAndDest(src, 'ADD'),
        chown: f.strings.get('chown') || undefined,
        chmod: f.strings.get('chmod') || undefined,
        link: f.bools.get('link') ?? false,
        excludes: f.lists.get('exclude') ?? [],
        json: src.json,
        keepGitDir: f.bools.get('keep-git-dir'),
        checksum: f.strings.get('checksum') || undefined,
        unpack: f.bools.get('unpack'),
      };
      return add;
    }
    case 'copy': {
      if (args.length < 2) fail('COPY requires at least two arguments, but only one was provided. Destination could not be determined');
      const f = parseFlags(src.flags, { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' });
      const copy: CopyInstruction = {
        kind: 'COPY',
        ...base(src),
        ...sourcesAndDest(src, 'COPY'),
        from: f.strings.get('from') || undefined,
        chown: f.strings.get('chown') || undefined,
        chmod: f.strings.get('chmod') || undefined,
        link: f.bools.get('link') ?? false,
        parents: f.bools.get('parents') ?? false,
        excludes: f.lists.get('exclude') ?? [],
        json: src.json,
      };
      return copy;
    }
    case 'onbuild': {
      if (args.length === 0 || !src.child) atLeastOne('ONBUILD');
      parseFlags(src.flags, NO_FLAGS);
      const trigger = trimSpace(args[0]!).toUpperCase();
      if (trigger === 'ONBUILD') fail('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'MAINTAINER' || trigger === 'FROM') fail(`${trigger} isn't allowed as an ONBUILD trigger`);
      let expression = src.original.replace(/^[\t\n\v\f\r ]*ONBUILD[\t\n\v\f\r ]*/i, '');
      for (const h of src.heredocs) expression += `\n${h.content}${h.name}`;
      const inner = typeInstruction({
        ...src.child!,
        original: src.original.replace(/^[\t\n\v\f\r ]*ONBUILD[\t\n\v\f\r ]*/i, ''),
        heredocs: src.heredocs,
        location: src.location,
        comments: [],
      });
      return { kind: 'ONBUILD', ...base(src), expression, trigger: inner };
    }
    case 'workdir': {
      if (args.length !== 1) exactlyOne('WORKDIR');
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'WORKDIR', ...base(src), path: args[0]! };
    }
    case 'run': {
      const f = parseFlags(src.flags, { mount: 'strings', network: 'string', security: 'string', device: 'strings' });
      const network = f.strings.get('network') ?? 'default';
      if (network !== 'default' && network !== 'none' && network !== 'host') fail(`invalid network mode ${JSON.stringify(network)}`);
      const security = f.strings.get('security') ?? 'sandbox';
      if (security !== 'sandbox' && security !== 'insecure') fail(`security ${JSON.stringify(security)} is not valid`);
      const mountSpecs = f.lists.get('mount') ?? [];
      return {
        kind: 'RUN',
        ...base(src),
        ...shellDependent(src),
        heredocs: src.heredocs,
        mountSpecs,
        mounts: mountSpecs.map((m) => parseRunMount(m, false)),
        network: network as 'default' | 'none' | 'host',
        security: security as 'sandbox' | 'insecure',
        devices: f.lists.get('device') ?? [],
      };
    }
    case 'cmd': {
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'CMD', ...base(src), ...shellDependent(src) };
    }
    case 'entrypoint': {
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'ENTRYPOINT', ...base(src), ...shellDependent(src) };
    }
    case 'healthcheck':
      return { kind: 'HEALTHCHECK', ...base(src), health: healthConfig(src) };
    case 'expose': {
      if (args.length === 0) atLeastOne('EXPOSE');
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'EXPOSE', ...base(src), ports: [...args].sort() };
    }
    case 'user': {
      if (args.length !== 1) exactlyOne('USER');
      parseFlags(src.flags, NO_FLAGS);
      return { kind: 'USER', ...base(src), user: args[0]! };
    }
    case 'volume': {
      if (args.length === 0) atLeastOne('VOLUME');
      parseFlags(src.flags, NO_FLAGS);
      const volumes = args.map((v) => trimSpace(v));
      if (volumes.some((v) => v === '')) fail('VOLUME specified can not be an empty string');
      return { kind: 'VOLUME', ...base(src), volumes };
    }
    case 'stopsignal': {
      // BuildKit does not look at STOPSIGNAL's flags.
      if (args.length !== 1) exactlyOne('STOPSIGNAL');
      return { kind: 'STOPSIGNAL', ...base(src), signal: args[0]! };
    }
    case 'arg': {
      // Nor at ARG's.
      if (args.length === 0) atLeastOne('ARG');
      return {
        kind: 'ARG',
        ...base(src),
        args: args.map((a) => {
          const eq = a.indexOf('=');
          if (eq === -1) return { key: a };
          if (eq === 0) fail('ARG names can not be blank');
          return { key: a.slice(0, eq), value: a.slice(eq + 1) };
        }),
      };
    }
    case 'shell': {
      parseFlags(src.flags, NO_FLAGS);
      const shell = shellDependent(src).command;
      if (shell.length === 0) atLeastOne('SHELL');
      if (!src.json) fail(`SHELL requires the arguments to be in JSON form`);
      return { kind: 'SHELL', ...base(src), shell };
    }
    default:
      return fail(suggest(`unknown instruction: ${src.command}`, src.command, INSTRUCTION_NAMES, false));
  }
}

function healthConfig(src: InstructionSource): HealthConfig {
  if (src.args.length === 0) atLeastOne('HEALTHCHECK');
  const typ = src.args[0]!.toUpperCase();
  const rest = src.args.slice(1);
  const none: HealthConfig = { test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (typ === 'NONE') {
    if (rest.length !== 0) fail('HEALTHCHECK NONE takes no arguments');
    return none;
  }
  const f = parseFlags(src.flags, { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' });
  if (typ !== 'CMD') fail(`Unknown type ${JSON.stringify(typ)} in HEALTHCHECK (try CMD)`);
  const cmd = rest.length === 0 ? [] : src.json ? rest : [rest.join(' ')];
  if (cmd.length === 0) fail('Missing command after HEALTHCHECK CMD');
  let retries = 0;
  const r = f.strings.get('retries');
  if (r) {
    if (!/^[+-]?[0-9]+$/.test(r) || Math.abs(Number(r)) > 2 ** 31 - 1) fail(`strconv.ParseInt: parsing ${JSON.stringify(r)}: ${/^[+-]?[0-9]+$/.test(r) ? 'value out of range' : 'invalid syntax'}`);
    retries = Number(r);
    if (retries < 0) fail(`--retries cannot be negative (${retries})`);
  }
  return {
    test: [src.json ? 'CMD' : 'CMD-SHELL', ...cmd],
    interval: parseInterval(f.strings.get('interval'), 'interval'),
    timeout: parseInterval(f.strings.get('timeout'), 'timeout'),
    startPeriod: parseInterval(f.strings.get('start-period'), 'start-period'),
    startInterval: parseInterval(f.strings.get('start-interval'), 'start-interval'),
    retries,
  };
}
