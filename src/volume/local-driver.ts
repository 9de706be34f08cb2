// docker's `local` volume driver: a directory <root>/<name>/_data, or, with options, a filesystem
// mounted there (`--opt type=tmpfs`, `--opt type=none --opt o=bind --opt device=/path`, …).
import { readFileSync } from 'node:fs';
import { chown, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { mountAll, unmount } from '../snapshot/mount.js';

const VALID_OPTIONS = new Set(['type', 'o', 'device', 'size']);

export function validateLocalOptions(options: Record<string, string>): void {
  for (const k of Object.keys(options)) {
    if (!VALID_OPTIONS.has(k)) throw new InvalidArgumentError(`invalid option: "${k}"`);
  }
  if ((options.o || options.device) && !options.type) throw new InvalidArgumentError(`missing required option: "type"`);
  if (options.size && options.type !== undefined && options.type !== '') throw new InvalidArgumentError(`quota size requested but no quota support`);
}

function isMountPoint(path: string): boolean {
  const info = readFileSync('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const mp = line.split(' ')[4];
    if (mp !== undefined && mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))) === path) return true;
  }
  return false;
}

export class LocalDriver {
  /** `owner`: who owns new data dirs (a remapped daemon's root); host root otherwise. */
  constructor(readonly root: string, private readonly owner?: { uid: number; gid: number }) {}

  dir(name: string): string {
    return join(this.root, name);
  }

  dataDir(name: string): string {
    return join(this.root, name, '_data');
  }

  async create(name: string): Promise<void> {
    await mkdir(this.dataDir(name), { recursive: true, mode: 0o755 });
    if (this.owner) await chown(this.dataDir(name), this.owner.uid, this.owner.gid);
  }

  /** Makes the volume's data dir usable (mounts it when the volume has a filesystem of its own). */
  async mount(name: string, options: Record<string, string>): Promise<string> {
    const dir = this.dataDir(name);
    if (!options.type || isMountPoint(dir)) return dir;
    await mkdir(dir, { recursive: true });
    const words = (options.o ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    const source = options.device || options.type;
    try {
      await mountAll([{ type: options.type === 'none' ? 'bind' : options.type, source, options: words }], dir);
    } catch (err) {
      throw new InvalidArgumentError(`error while mounting volume '${dir}': failed to mount local volume: mount ${source}:${dir}, flags: ${words.join(',')}: ${(err as Error).message}`);
    }
    return dir;
  }

  async unmount(name: string, options: Record<string, string>): Promise<void> {
    const dir = this.dataDir(name);
    if (options.type && isMountPoint(dir)) await unmount(dir, { lazy: true });
  }

  async remove(name: string, options: Record<string, string>): Promise<void> {
    await this.unmount(name, options);
    await rm(this.dir(name), { recursive: true, force: true });
  }
}
