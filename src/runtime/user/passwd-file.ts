// Parsers for /etc/passwd and /etc/group lines, lenient like libc: short lines get empty fields,
// comments and blank lines are skipped, bad numbers make the entry unusable for numeric matching.

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function toId(field: string | undefined): number {
  if (field === undefined || !/^\d+$/.test(field)) return NaN;
  return Number(field);
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).map((line) => {
    const f = line.split(':');
    return { name: f[0] ?? '', uid: toId(f[2]), gid: toId(f[3]), gecos: f[4] ?? '', home: f[5] ?? '', shell: f[6] ?? '' };
  });
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text).map((line) => {
    const f = line.split(':');
    const members = (f[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
    return { name: f[0] ?? '', gid: toId(f[2]), members };
  });
}
