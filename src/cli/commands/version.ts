import { CLIENT_API_VERSION } from '../../client/api-client.js';
import { serverVersion } from '../../client/system.js';
import type { VersionInfo } from '../../client/types.js';
import type { CommandDefinition } from '../command.js';
import { str } from '../flags/flag-spec.js';
import { Template, TemplateError } from '../format/go-template/template.js';
import { packageVersionOf } from '../version-info.js';
import { alignColumns } from '../format/tabwriter.js';

/** Label/value lines aligned as docker's version template is (tabwriter, minwidth 20, padding 1). */
function block(title: string, rows: [string, string | undefined][], indent: string): string {
  return `${title}\n` + rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${indent}${k}:\t${v}\n`).join('');
}

function goStyleDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, wd, day, mon, year, time) => `${wd} ${mon} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`);
}

export const versionCommand: CommandDefinition = {
  name: 'version',
  usage: '[OPTIONS]',
  description: 'Show the berth version information',
  flags: [str('format', 'f', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template")],
  args: { max: 0 },
  async run(ctx, cmd) {
    const clientInfo = {
      Platform: { Name: '' },
      Version: packageVersionOf(),
      ApiVersion: CLIENT_API_VERSION,
      DefaultAPIVersion: CLIENT_API_VERSION,
      GitCommit: '',
      GoVersion: `node ${process.version}`,
      Os: process.platform,
      Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      BuildTime: '',
      Context: 'default',
    };
    let server: VersionInfo | undefined;
    let serverError: unknown;
    try {
      const client = await ctx.client();
      clientInfo.ApiVersion = await client.apiVersion();
      server = await serverVersion(client);
    } catch (err) {
      serverError = err;
    }
    const format = cmd.flags.format as string | undefined;
    if (format) {
      const data = { Client: clientInfo, Server: server ?? null };
      let text: string;
      try {
        text = format === 'json' ? JSON.stringify(data) : new Template(format).execute(data);
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(`template parsing error: ${err.message}`);
        throw err;
      }
      ctx.stdout.write(text + '\n');
    } else {
      let out = block('Client:', [
        ['Version', clientInfo.Version], ['API version', clientInfo.ApiVersion], ['Node version', process.version],
        ['OS/Arch', `${clientInfo.Os}/${clientInfo.Arch}`], ['Context', 'default'],
      ], ' ');
      if (server) {
        out += `\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}\n`;
        const engine = server.Components?.find((c) => c.Name === 'Engine');
        out += block(' Engine:', [
          ['Version', server.Version], ['API version', `${server.ApiVersion} (minimum version ${server.MinAPIVersion ?? ''})`],
          ['Go version', server.GoVersion], ['Git commit', server.GitCommit], ['Built', goStyleDate(server.BuildTime)],
          ['OS/Arch', `${server.Os}/${server.Arch}`], ['Experimental', String(Boolean(server.Experimental))],
        ], '  ');
        for (const c of server.Components ?? []) {
          if (c === engine) continue;
          out += block(` ${c.Name}:`, [['Version', c.Version], ...Object.entries(c.Details ?? {})], '  ');
        }
      }
      out = alignColumns(out, { minWidth: 20, padding: 1 });
      ctx.stdout.write(out);
    }
    if (serverError) throw serverError;
  },
};
