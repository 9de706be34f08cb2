import { readFileSync } from 'node:fs';

/** berth's version, from package.json. */
export function packageVersionOf(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'dev';
  } catch {
    return 'dev';
  }
}
