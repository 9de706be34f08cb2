// berthd's `--userns-remap` setting (docker's): `default`, `user[:group]` or `uid[:gid]`, resolved
// against the host's /etc/passwd and /etc/group into the user whose /etc/subuid and /etc/subgid
// ranges every container's user namespace maps to. `default` is the user and group `dockremap`,
// created with useradd, with a free 65536-id range added when it has none (as docker does).
// Messages are docker's. Like docker, both maps come from the *user's* entries (by uid, then name);
// the group names the remapped group in the setting and must exist.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, errorMessage, isErrno } from '../../errors.js';
import { findExecutable } from '../../fsutil/find-executable.js';
import { type IdMap, rootPair } from '../../oci/id-map.js';
import { execProgram } from '../../sys/exec-program.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './passwd-file.js';
import { freeRange, mappingsOf, parseSubIdFile, rangesOf } from './subid-file.js';

/** docker's name for the user `--userns-remap=default` uses. */
export const DEFAULT_REMAP_USER = 'dockremap';
const RANGE_LENGTH = 65536;

export interface UsernsRemap {
  /** The setting resolved to names, `user:group` (docker shows it so). */
  user: string;
  group: string;
  idMap: IdMap;
  /** Host uid and gid of the containers' root: names the store `<data-root>/<uid>.<gid>`. */
  root: { uid: number; gid: number };
}

export interface RemapHost {
  /** Where passwd, group, subuid and subgid are read (default /etc). */
  etcDir?: string;
  /** Makes sure the `dockremap` user, its group and its ranges exist (default: useradd and usermod on this host). */
  ensureDefaultUser?: (name: string, etcDir: string) => Promise<void>;
}

async function readEtc(etcDir: string, name: string): Promise<string> {
  try {
    return await readFile(join(etcDir, name), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return '';
    throw err;
  }
}

interface Accounts {
  users: PasswdEntry[];
  groups: GroupEntry[];
}

async function readAccounts(etcDir: string): Promise<Accounts> {
  return { users: parsePasswd(await readEtc(etcDir, 'passwd')), groups: parseGroup(await readEtc(etcDir, 'group')) };
}

const NUMERIC = /^\d+$/;

/** docker's parseRemappedRoot: the setting to a user name and a group name. */
async function resolveNames(setting: string, etcDir: string, host: RemapHost): Promise<{ user: string; group: string }> {
  const parts = setting.split(':');
  if (parts.length > 2) throw new InvalidArgumentError(`Invalid user/group specification in --userns-remap: ${JSON.stringify(setting)}`);
  if (parts[0] === 'default') {
    try {
      await (host.ensureDefaultUser ?? ensureDefaultUser)(DEFAULT_REMAP_USER, etcDir);
    } catch (err) {
      throw new InvalidArgumentError(`Error during ${JSON.stringify(DEFAULT_REMAP_USER)} user creation: ${errorMessage(err)}`);
    }
  }
  const acc = await readAccounts(etcDir);
  let user: string;
  let group: string | undefined;
  const first = parts[0]!;
  if (NUMERIC.test(first)) {
    const uid = Number(first);
    const u = acc.users.find((e) => e.uid === uid);
    if (!u) throw new InvalidArgumentError(`Uid ${uid} has no entry in /etc/passwd: user: unknown userid ${uid}`);
    user = u.name;
    if (parts.length === 1) {
      // A bare uid names the group of the same number.
      const g = acc.groups.find((e) => e.gid === uid);
      if (!g) throw new InvalidArgumentError(`Gid ${uid} has no entry in /etc/group: group: unknown groupid ${uid}`);
      group = g.name;
    }
  } else {
    const name = first === 'default' ? DEFAULT_REMAP_USER : first;
    const u = acc.users.find((e) => e.name === name);
    if (!u) throw new InvalidArgumentError(`Error during uid lookup for ${JSON.stringify(name)}: user: unknown user ${name}`);
    user = u.name;
    if (parts.length === 1) {
      if (!acc.groups.some((e) => e.name === name)) throw new InvalidArgumentError(`Error during gid lookup for ${JSON.stringify(name)}: group: unknown group ${name}`);
      group = name;
    }
  }
  if (parts.length === 2) {
    const second = parts[1]!;
    if (NUMERIC.test(second)) {
      const g = acc.groups.find((e) => e.gid === Number(second));
      if (!g) throw new InvalidArgumentError(`Gid ${second} has no entry in /etc/passwd: group: unknown groupid ${second}`);
      group = g.name;
    } else {
      if (!acc.groups.some((e) => e.name === second)) throw new InvalidArgumentError(`Error during groupname lookup for ${JSON.stringify(second)}: group: unknown group ${second}`);
      group = second;
    }
  }
  return { user, group: group! };
}

/**
 * Resolves `--userns-remap`: undefined when it is empty or names root (docker turns remapping off
 * then, with a warning through `warn`).
 */
export async function resolveUsernsRemap(setting: string, host: RemapHost = {}, warn: (m: string) => void = () => undefined): Promise<UsernsRemap | undefined> {
  if (setting === '') return undefined;
  const etcDir = host.etcDir ?? '/etc';
  const names = await resolveNames(setting, etcDir, host);
  if (names.user === 'root') {
    warn('User namespaces: root cannot be remapped with itself; user namespaces are OFF');
    return undefined;
  }
  const acc = await readAccounts(etcDir);
  const u = acc.users.find((e) => e.name === names.user);
  if (!u) throw new InvalidArgumentError(`Can't create ID mappings: could not get user for username ${names.user}: user: unknown user ${names.user}`);
  const uidRanges = rangesOf(parseSubIdFile(await readEtc(etcDir, 'subuid')), u);
  if (uidRanges.length === 0) throw new InvalidArgumentError(`Can't create ID mappings: no subuid ranges found for user ${JSON.stringify(u.name)}`);
  const gidRanges = rangesOf(parseSubIdFile(await readEtc(etcDir, 'subgid')), u);
  if (gidRanges.length === 0) throw new InvalidArgumentError(`Can't create ID mappings: no subgid ranges found for user ${JSON.stringify(u.name)}`);
  const idMap: IdMap = { uidMappings: mappingsOf(uidRanges), gidMappings: mappingsOf(gidRanges) };
  return { user: names.user, group: names.group, idMap, root: rootPair(idMap) };
}

/**
 * docker's way on this host: a system user and group (`useradd -r`, no home, no login shell) when
 * missing, then, unless it has ranges already (some distributions' tools add them), the first free
 * 65536 ids from 100000 in both /etc/subuid and /etc/subgid (`usermod`, which locks the files).
 */
export async function ensureDefaultUser(name: string, etcDir: string): Promise<void> {
  const acc = await readAccounts(etcDir);
  const hasUser = acc.users.some((e) => e.name === name);
  const hasGroup = acc.groups.some((e) => e.name === name);
  const uidRanges = await readEtc(etcDir, 'subuid');
  const gidRanges = await readEtc(etcDir, 'subgid');
  const u = acc.users.find((e) => e.name === name);
  if (hasUser && hasGroup && u && rangesOf(parseSubIdFile(uidRanges), u).length > 0 && rangesOf(parseSubIdFile(gidRanges), u).length > 0) return;
  if (etcDir !== '/etc') throw new Error(`users can only be created in /etc`);
  const useradd = findExecutable('useradd');
  const groupadd = findExecutable('groupadd');
  const usermod = findExecutable('usermod');
  if (!useradd || !usermod || !groupadd) throw new Error('cannot add user; no useradd/usermod binary found');
  const fail = (what: string) => (err: Error & { stderr?: string }): never => {
    throw new Error(`${what}: ${(err.stderr ?? '').trim() || err.message}`);
  };
  // Another daemon starting at the same time may win the race: what exists afterwards counts.
  const exists = async (): Promise<boolean> => {
    const now = await readAccounts(etcDir);
    return now.users.some((e) => e.name === name) && now.groups.some((e) => e.name === name);
  };
  if (!hasUser) {
    const args = hasGroup ? ['-r', '-g', name, '-M', '-s', '/bin/false', name] : ['-r', '-U', '-M', '-s', '/bin/false', name];
    await execProgram(useradd, args).catch(async (err: Error & { stderr?: string }) => {
      if (!(await exists())) fail(`error adding user ${JSON.stringify(name)}`)(err);
    });
  } else if (!hasGroup) {
    await execProgram(groupadd, ['-r', name]).catch(async (err: Error & { stderr?: string }) => {
      if (!(await exists())) fail(`error adding group ${JSON.stringify(name)}`)(err);
    });
  }
  await addMissingRanges(name, etcDir, usermod);
}

async function addMissingRanges(name: string, etcDir: string, usermod: string): Promise<void> {
  const u = (await readAccounts(etcDir)).users.find((e) => e.name === name);
  if (!u) throw new Error(`user ${name} was not created`);
  for (const [file, flag] of [['subuid', '--add-subuids'], ['subgid', '--add-subgids']] as const) {
    // usermod refuses to add ranges to a file that does not exist.
    await writeFile(join(etcDir, file), '', { flag: 'a', mode: 0o644 });
    const all = parseSubIdFile(await readEtc(etcDir, file));
    if (rangesOf(all, u).length > 0) continue;
    const start = freeRange(all, RANGE_LENGTH);
    await execProgram(usermod, [flag, `${start}-${start + RANGE_LENGTH - 1}`, name]).catch((err: Error & { stderr?: string }) => {
      throw new Error(`unable to add ${file} range to user ${name}: ${(err.stderr ?? '').trim() || err.message}`);
    });
  }
}
