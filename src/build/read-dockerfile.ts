// The Dockerfile a build names, read from its context (received, or a directory): `Dockerfile`
// falls back to `dockerfile`, as docker's does.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, isErrno } from '../errors.js';
import type { ReceivedContext } from './context/received-context.js';

export async function readDockerfile(context: ReceivedContext | string, name: string): Promise<Buffer> {
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    if (typeof context !== 'string') {
      const data = await context.readFile(candidate);
      if (data) return data;
      continue;
    }
    try {
      return await readFile(join(context, candidate));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name}`);
}
