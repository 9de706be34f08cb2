// docker-credential-<name> helpers (credsStore / credHelpers in config.json): `get`, `store` and
// `erase`, each a child process speaking a line of text or JSON on stdin and JSON on stdout.
import { spawn } from 'node:child_process';
import { BerthError } from '../../errors.js';
import type { AuthConfig } from './auth-config.js';

/** Username a helper reports when the secret is an identity token, not a password. */
const TOKEN_USERNAME = '<token>';

function runHelper(name: string, verb: string, input: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${name}`, [verb], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new BerthError(`exec: "docker-credential-${name}": executable file not found in $PATH`));
      else reject(err);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: stdout.trim() || stderr.trim() }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export async function helperGet(name: string, serverAddress: string, env?: NodeJS.ProcessEnv): Promise<AuthConfig | undefined> {
  const { code, stdout } = await runHelper(name, 'get', serverAddress, env);
  if (code !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new BerthError(`error getting credentials - err: exit status ${code}, out: \`${stdout}\``);
  }
  const r = JSON.parse(stdout) as { ServerURL?: string; Username?: string; Secret?: string };
  if (!r.Username && !r.Secret) return undefined;
  if (r.Username === TOKEN_USERNAME) return { serveraddress: serverAddress, identitytoken: r.Secret };
  return { serveraddress: serverAddress, username: r.Username, password: r.Secret };
}

export async function helperStore(name: string, auth: AuthConfig & { serveraddress: string }, env?: NodeJS.ProcessEnv): Promise<void> {
  const payload = auth.identitytoken
    ? { ServerURL: auth.serveraddress, Username: TOKEN_USERNAME, Secret: auth.identitytoken }
    : { ServerURL: auth.serveraddress, Username: auth.username ?? '', Secret: auth.password ?? '' };
  const { code, stdout } = await runHelper(name, 'store', JSON.stringify(payload), env);
  if (code !== 0) throw new BerthError(`error storing credentials - err: exit status ${code}, out: \`${stdout}\``);
}

export async function helperErase(name: string, serverAddress: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const { code, stdout } = await runHelper(name, 'erase', serverAddress, env);
  if (code !== 0 && !/credentials not found/i.test(stdout)) {
    throw new BerthError(`error erasing credentials - err: exit status ${code}, out: \`${stdout}\``);
  }
}
