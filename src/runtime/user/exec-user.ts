// `--user user[:group]` and `--group-add` resolved against the container's own /etc/passwd and
// /etc/group, read inside the rootfs (symlinks cannot lead out of it), with the rules and messages
// of docker's user lookup: names or numbers, numbers need no entry, the primary group from passwd,
// supplementary groups from group membership when no group is given explicitly.
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { InvalidArgumentError, isErrno } from '../../errors.js';
import { resolveInRoot } from '../../fsutil/resolve-in-root.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './passwd-file.js';

const MAX_ID = 2147483647;
const RANGE_ERROR = 'uids and gids must be in range 0-2147483647';

export interface ExecUser {
  uid: number;
  gid: number;
  /** Supplementary groups from /etc/group (implicit form only) then --group-add, deduplicated. */
  additionalGids: number[];
  home: string;
  /** The passwd name matched, when there was one. */
  name?: string;
}

/** Reads a regular file inside a rootfs; undefined when it does not exist. */
export async function readFileInRoot(root: string, path: string): Promise<string | undefined> {
  const real = await resolveInRoot(root, path);
  let fh;
  try {
    // O_NOFOLLOW: the last component was resolved already; a symlink here means a race.
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

function parseId(s: string): number | undefined {
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** Splits `user[:group]` at the first colon. */
function splitSpec(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)];
}

/** Resolves a user spec against passwd and group contents (undefined = file absent). */
export function resolveExecUserFrom(
  userSpec: string,
  passwd: PasswdEntry[] | undefined,
  groups: GroupEntry[] | undefined,
  groupAdd: readonly string[] = [],
): ExecUser {
  const [userArg, groupArg] = splitSpec(userSpec.trim());
  const uidArg = parseId(userArg);
  const gidArg = parseId(groupArg);
  const user: ExecUser = { uid: 0, gid: 0, additionalGids: [], home: '/' };

  const matched = (passwd ?? []).find((u) => {
    if (userArg === '') return u.uid === 0;
    if (uidArg !== undefined) return u.uid === uidArg;
    return u.name === userArg;
  });
  if (matched !== undefined) {
    user.uid = matched.uid;
    user.gid = Number.isNaN(matched.gid) ? 0 : matched.gid;
    user.home = matched.home;
    user.name = matched.name;
  } else if (userArg !== '') {
    if (uidArg === undefined) {
      throw new InvalidArgumentError(`unable to find user ${userArg}: no matching entries in passwd file`);
    }
    if (uidArg > MAX_ID) throw new InvalidArgumentError(RANGE_ERROR);
    user.uid = uidArg;
  }

  const sgids: number[] = [];
  if (groupArg !== '') {
    const g = (groups ?? []).find((e) => (gidArg !== undefined ? e.gid === gidArg : e.name === groupArg));
    if (g !== undefined) {
      user.gid = g.gid;
    } else {
      if (gidArg === undefined) {
        throw new InvalidArgumentError(`unable to find group ${groupArg}: no matching entries in group file`);
      }
      if (gidArg > MAX_ID) throw new InvalidArgumentError(RANGE_ERROR);
      user.gid = gidArg;
    }
  } else if (user.name !== undefined) {
    for (const g of groups ?? []) {
      if (g.members.includes(user.name) && !Number.isNaN(g.gid)) sgids.push(g.gid);
    }
  }

  for (const ag of groupAdd) {
    const g = (groups ?? []).find((e) => e.name === ag || (parseId(ag) !== undefined && e.gid === parseId(ag)));
    if (g !== undefined) {
      sgids.push(g.gid);
      continue;
    }
    const gid = parseId(ag);
    if (gid === undefined) throw new InvalidArgumentError(`Unable to find group ${ag}`);
    if (gid > MAX_ID) throw new InvalidArgumentError(`Unable to find group ${ag}: ${RANGE_ERROR}`);
    sgids.push(gid);
  }
  // The primary group is listed too, as docker does: a process that drops its primary group
  // with setgroups would otherwise lose access granted through it.
  user.additionalGids = [...new Set([user.gid, ...sgids])];
  return user;
}

/** Resolves a user spec against the /etc/passwd and /etc/group inside `rootfs`. */
export async function resolveExecUser(rootfs: string, userSpec: string, groupAdd: readonly string[] = []): Promise<ExecUser> {
  // Together: each read is a handful of file-system round trips on every container start.
  const [passwdText, groupText] = await Promise.all([readFileInRoot(rootfs, '/etc/passwd'), readFileInRoot(rootfs, '/etc/group')]);
  return resolveExecUserFrom(
    userSpec,
    passwdText === undefined ? undefined : parsePasswd(passwdText),
    groupText === undefined ? undefined : parseGroup(groupText),
    groupAdd,
  );
}
