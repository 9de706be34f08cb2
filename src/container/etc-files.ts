// A container's /etc/hosts, /etc/resolv.conf and /etc/hostname when no network service writes them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil/atomic-write.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import type { ContainerPaths } from './container-paths.js';
import type { ContainerRecord } from './container-record.js';

/** /etc/hosts, /etc/resolv.conf and /etc/hostname when no network service writes them. */
export async function writeEtcFiles(paths: ContainerPaths, c: ContainerRecord): Promise<SpecMount[]> {
  const dir = paths.dataDir(c.id);
  const hostname = String(c.config.Hostname ?? c.id.slice(0, 12));
  const host = c.hostConfig.NetworkMode === 'host';
  const hosts = host
    ? await readFile('/etc/hosts', 'utf8').catch(() => '127.0.0.1\tlocalhost\n')
    : `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`;
  const resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFileAtomic(join(dir, 'hosts'), hosts);
  await writeFileAtomic(join(dir, 'resolv.conf'), resolv);
  await writeFileAtomic(join(dir, 'hostname'), `${hostname}\n`);
  return [
    { type: 'bind', source: join(dir, 'resolv.conf'), destination: '/etc/resolv.conf' },
    { type: 'bind', source: join(dir, 'hostname'), destination: '/etc/hostname' },
    { type: 'bind', source: join(dir, 'hosts'), destination: '/etc/hosts' },
  ];
}
