// compose v2's names for what a project makes: containers `<project>-<service>-<n>`, one-off
// containers `<project>-<service>-run-<slug>`, networks and volumes `<project>_<name>`.
import { randomBytes } from 'node:crypto';

export function containerName(project: string, service: string, number: number): string {
  return `${project}-${service}-${number}`;
}

/** A `run` container's name; the slug is random like compose's (12 hex digits). */
export function oneoffContainerName(project: string, service: string, slug: string = newSlug()): string {
  return `${project}-${service}-run-${slug.slice(0, 12)}`;
}

export function newSlug(): string {
  return randomBytes(32).toString('hex');
}

/** A project network's or volume's engine name unless the file gives `name:` (or it is external). */
export function scopedName(project: string, name: string): string {
  return `${project}_${name}`;
}

/** The name a container answers to in compose's progress lines and `ps` (docker's leading "/" off). */
export function canonicalContainerName(names: readonly string[] | undefined): string {
  const all = (names ?? []).map((n) => n.replace(/^\//, ''));
  // Links add names like "other/alias"; the container's own name has no slash.
  return all.find((n) => !n.includes('/')) ?? all[0] ?? '';
}
