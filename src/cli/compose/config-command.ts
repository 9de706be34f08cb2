// `berth compose config`: parse, resolve and print the project in compose v2's canonical form,
// or one of its listings (--services, --volumes, --profiles, --images); -q only validates.
// The compose command group dispatches here with its load options (-f, -p, --env-file, …).
import { writeFile } from 'node:fs/promises';
import type { CommandContext, ParsedCommand } from '../command.js';
import { UsageError } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';
import type { FlagSpec } from '../flags/flag-spec.js';
import type { ComposeProject, LoadOptions } from '../../compose/model/project.js';

export const CONFIG_USAGE = '[OPTIONS] [SERVICE...]';
export const CONFIG_DESCRIPTION = 'Parse, resolve and render compose file in canonical format';

export const CONFIG_FLAGS: readonly FlagSpec[] = [
  str('format', undefined, 'Format the output. Values: [yaml | json]', 'yaml'),
  bool('images', undefined, 'Print the image names, one per line.'),
  bool('no-interpolate', undefined, "Don't interpolate environment variables"),
  str('output', 'o', 'Save to file (default to stdout)'),
  bool('profiles', undefined, 'Print the profile names, one per line.'),
  bool('quiet', 'q', 'Only validate the configuration, don\'t print anything'),
  bool('services', undefined, 'Print the service names, one per line.'),
  bool('volumes', undefined, 'Print the volume names, one per line.'),
  bool('environment', undefined, 'Print environment used for interpolation.'),
];

export async function runComposeConfig(ctx: CommandContext, cmd: ParsedCommand, options: LoadOptions): Promise<number> {
  const f = cmd.flags;
  const format = String(f.format ?? 'yaml');
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`unsupported format ${JSON.stringify(format)}`);
  const { loadProject } = await import('../../compose/model/load-project.js');
  const project = await loadProject({
    ...options,
    ...(f['no-interpolate'] ? { interpolate: false } : {}),
    onWarning: options.onWarning ?? ((m) => ctx.stderr.write(`WARN[0000] ${m}\n`)),
  });
  if (f.quiet) return 0;
  const selected = selectServices(project, cmd.args);
  let text: string;
  if (f.services) text = lines(Object.keys(selected.services).sort());
  else if (f.volumes) text = lines(Object.keys(project.volumes));
  else if (f.profiles) text = lines([...new Set([...Object.values(project.services), ...Object.values(project.disabledServices)].flatMap((s) => s.profiles ?? []))].sort());
  else if (f.images) text = lines(Object.values(selected.services).map((s) => s.image ?? `${project.name}-${s.name}`));
  else if (f.environment) text = lines(Object.entries(project.environment).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`));
  else {
    const { renderProject } = await import('../../compose/model/config-output.js');
    text = renderProject(selected, format);
  }
  if (typeof f.output === 'string' && f.output !== '') await writeFile(f.output, text);
  else ctx.stdout.write(text);
  return 0;
}

/** With service names given, only they and what they depend on. */
function selectServices(project: ComposeProject, names: readonly string[]): ComposeProject {
  if (names.length === 0) return project;
  const keep = new Set<string>();
  const add = (n: string): void => {
    const s = project.services[n];
    if (!s) throw new UsageError(`no such service: ${n}`);
    if (keep.has(n)) return;
    keep.add(n);
    for (const d of Object.keys(s.depends_on)) if (d in project.services) add(d);
  };
  names.forEach(add);
  return { ...project, services: Object.fromEntries(Object.entries(project.services).filter(([n]) => keep.has(n))) };
}

function lines(items: readonly string[]): string {
  return items.map((s) => `${s}\n`).join('');
}
