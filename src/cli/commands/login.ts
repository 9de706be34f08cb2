import { join } from 'node:path';
import { checkAuth } from '../../client/system.js';
import type { CommandContext, CommandDefinition } from '../command.js';
import { bool, str } from '../flags/flag-spec.js';

const DEFAULT_SERVER = 'https://index.docker.io/v1/';

async function credentials(ctx: CommandContext): Promise<InstanceType<typeof import('../../registry/client/docker-config.js').DockerCredentials>> {
  const { DockerCredentials } = await import('../../registry/client/docker-config.js');
  return new DockerCredentials(ctx.configDir ? join(ctx.configDir, 'config.json') : undefined);
}

async function prompt(ctx: CommandContext, question: string, hidden: boolean): Promise<string> {
  ctx.stdout.write(question);
  const stdin = ctx.stdin as NodeJS.ReadStream;
  if (hidden && stdin.isTTY) {
    stdin.setRawMode(true);
    let value = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (b: Buffer): void => {
          for (const ch of b.toString('utf8')) {
            if (ch === '\r' || ch === '\n') { stdin.off('data', onData); resolve(); return; }
            if (ch === '\x03') { stdin.off('data', onData); reject(new Error('interrupted')); return; }
            if (ch === '\x7f') value = value.slice(0, -1);
            else value += ch;
          }
        };
        stdin.on('data', onData);
        stdin.resume();
      });
    } finally {
      stdin.setRawMode(false);
      stdin.pause();
      ctx.stdout.write('\n');
    }
    return value;
  }
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: ctx.stdin });
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return line.trim();
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const loginCommand: CommandDefinition = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  description: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  flags: [
    str('password', 'p', 'Password or Personal Access Token (PAT)'),
    bool('password-stdin', undefined, 'Take the Password or Personal Access Token (PAT) from stdin'),
    str('username', 'u', 'Username'),
  ],
  args: { max: 1 },
  async run(ctx, cmd) {
    const server = cmd.args[0] ?? DEFAULT_SERVER;
    let username = (cmd.flags.username as string | undefined) ?? '';
    let password = (cmd.flags.password as string | undefined) ?? '';
    if (cmd.flags['password-stdin']) {
      if (password) throw new Error('--password and --password-stdin are mutually exclusive');
      if (!username) throw new Error('Must provide --username with --password-stdin');
      password = (await readAll(ctx.stdin)).replace(/\r?\n$/, '');
    } else if (password) {
      ctx.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    }
    if (!username) username = await prompt(ctx, 'Username: ', false);
    if (!username) throw new Error('Error: Non-null Username Required');
    if (!password) password = await prompt(ctx, 'Password: ', true);
    if (!password) throw new Error('Error: Password Required');
    const client = await ctx.client();
    const r = await checkAuth(client, { username, password, serveraddress: server });
    const creds = await credentials(ctx);
    await creds.store({ username, ...(r.IdentityToken ? { identitytoken: r.IdentityToken } : { password }), serveraddress: server });
    ctx.stdout.write(`${r.Status ?? 'Login Succeeded'}\n`);
  },
};

export const logoutCommand: CommandDefinition = {
  name: 'logout',
  usage: '[SERVER]',
  description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  flags: [],
  args: { max: 1 },
  async run(ctx, cmd) {
    const server = cmd.args[0] ?? DEFAULT_SERVER;
    const creds = await credentials(ctx);
    const removed = await creds.erase(server);
    const shown = server === DEFAULT_SERVER ? server : server.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!removed) ctx.stdout.write(`Not logged in to ${shown}\n`);
    else ctx.stdout.write(`Removing login credentials for ${shown}\n`);
  },
};
