import { systemInfo } from '../../client/system.js';
import type { CommandDefinition } from '../command.js';
import { str } from '../flags/flag-spec.js';
import { Template, TemplateError } from '../format/go-template/template.js';
import { bytesSize } from '../format/units.js';
import { packageVersionOf } from '../version-info.js';

type Info = Record<string, unknown>;

/** The Server section of `info`, in docker's order and wording. */
export function formatServerInfo(i: Info): string {
  const lines: string[] = [];
  const add = (label: string, v: unknown, indent = 1): void => {
    if (v === undefined || v === null || v === '') return;
    lines.push(`${' '.repeat(indent)}${label}: ${String(v)}`);
  };
  add('Containers', i.Containers ?? 0);
  add('Running', i.ContainersRunning ?? 0, 2);
  add('Paused', i.ContainersPaused ?? 0, 2);
  add('Stopped', i.ContainersStopped ?? 0, 2);
  add('Images', i.Images ?? 0);
  add('Server Version', i.ServerVersion);
  add('Storage Driver', i.Driver);
  for (const [k, v] of (i.DriverStatus as [string, string][] | null) ?? []) add(k, v, 2);
  add('Logging Driver', i.LoggingDriver);
  add('Cgroup Driver', i.CgroupDriver);
  add('Cgroup Version', i.CgroupVersion);
  const runtimes = Object.keys((i.Runtimes as Record<string, unknown> | undefined) ?? {});
  if (runtimes.length) add('Runtimes', runtimes.sort().join(' '));
  add('Default Runtime', i.DefaultRuntime);
  add('Init Binary', i.InitBinary);
  const secopts = (i.SecurityOptions as string[] | undefined) ?? [];
  if (secopts.length) {
    lines.push(' Security Options:');
    for (const s of secopts) {
      const parts = s.split(',').map((p) => p.split('='));
      const name = parts.find(([k]) => k === 'name')?.[1] ?? s;
      lines.push(`  ${name}`);
      for (const [k, v] of parts) if (k !== 'name' && v !== undefined) lines.push(`   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`);
    }
  }
  add('Kernel Version', i.KernelVersion);
  add('Operating System', i.OperatingSystem);
  add('OSType', i.OSType);
  add('Architecture', i.Architecture);
  add('CPUs', i.NCPU);
  if (typeof i.MemTotal === 'number') add('Total Memory', bytesSize(i.MemTotal));
  add('Name', i.Name);
  add('ID', i.ID);
  add('Berth Root Dir', i.DockerRootDir);
  add('Debug Mode', Boolean(i.Debug));
  add('HTTP Proxy', i.HttpProxy);
  add('HTTPS Proxy', i.HttpsProxy);
  add('No Proxy', i.NoProxy);
  const labels = (i.Labels as string[] | null) ?? [];
  if (labels.length) {
    lines.push(' Labels:');
    for (const l of labels) lines.push(`  ${l}`);
  }
  add('Experimental', Boolean(i.ExperimentalBuild));
  const insecure = ((i.RegistryConfig as { InsecureRegistryCIDRs?: string[]; IndexConfigs?: Record<string, { Secure?: boolean }> } | undefined) ?? {});
  const insecureList = [
    ...Object.entries(insecure.IndexConfigs ?? {}).filter(([, c]) => c.Secure === false).map(([k]) => k),
    ...(insecure.InsecureRegistryCIDRs ?? []),
  ];
  if (insecureList.length) {
    lines.push(' Insecure Registries:');
    for (const r of insecureList) lines.push(`  ${r}`);
  }
  add('Live Restore Enabled', Boolean(i.LiveRestoreEnabled));
  return lines.join('\n') + '\n';
}

export const infoCommand: CommandDefinition = {
  name: 'info',
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  flags: [str('format', 'f', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template")],
  args: { max: 0 },
  async run(ctx, cmd) {
    const format = cmd.flags.format as string | undefined;
    const client = await ctx.client();
    const info = await systemInfo(client);
    if (format) {
      try {
        ctx.stdout.write((format === 'json' ? JSON.stringify(info) : new Template(format).execute(info)) + '\n');
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
        throw err;
      }
      return;
    }
    const warnings = (info.Warnings as string[] | null) ?? [];
    ctx.stdout.write(`Client:\n Version:    ${packageVersionOf()}\n Context:    default\n Debug Mode: false\n\nServer:\n${formatServerInfo(info)}`);
    if (warnings.length) ctx.stderr.write('\n' + warnings.map((w) => `${w}\n`).join(''));
  },
};
