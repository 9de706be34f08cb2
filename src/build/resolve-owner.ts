// `--chown=user:group` of COPY/ADD: names looked up in the destination image's /etc/passwd and
// /etc/group; a user without a group gets the group of the same number, as docker documents.
import { InvalidArgumentError } from '../errors.js';
import { resolveExecUser } from '../runtime/user/exec-user.js';
import type { Owner } from './copy-into-root.js';

const NUMERIC = /^[0-9]+$/;

export async function resolveOwner(spec: string, rootfs: string): Promise<Owner> {
  const [user = '', group] = spec.split(':', 2);
  if (user === '') throw new InvalidArgumentError(`invalid --chown value ${JSON.stringify(spec)}`);
  const uid = NUMERIC.test(user) ? Number(user) : (await resolveExecUser(rootfs, user)).uid;
  if (group === undefined || group === '') return { uid, gid: uid };
  const gid = NUMERIC.test(group) ? Number(group) : (await resolveExecUser(rootfs, `${uid}:${group}`)).gid;
  return { uid, gid };
}

/** `--chmod=755` (octal). */
export function parseChmod(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new InvalidArgumentError(`invalid chmod parameter: ${spec}`);
  return Number.parseInt(spec, 8);
}
