// The project's N-API addon (native/, built by scripts/setup.sh), loaded once for every part that
// uses it: the syscall wrappers, the splice relay, the pooled sha256. Each part names the functions
// it needs and gets them typed, or null when the addon is not built or this build lacks them.
import { createRequire } from 'node:module';

// Resolved from this file's place in the build (dist/src/sys/ or src/sys/): the repo root is
// three levels up from the compiled file.
const ADDON_PATH = new URL('../../../native/build/Release/berth_sys.node', import.meta.url);

let loaded: { exports: Record<string, unknown> } | { error: Error } | undefined;

function load(): { exports: Record<string, unknown> } | { error: Error } {
  if (!loaded) {
    try {
      loaded = { exports: createRequire(import.meta.url)(ADDON_PATH.pathname) as Record<string, unknown> };
    } catch (err) {
      loaded = { error: err as Error };
    }
  }
  return loaded;
}

/** The addon's functions `names` as `T`, or null when the addon is missing or lacks one of them. */
export function addonPart<T>(names: ReadonlyArray<keyof T & string>): T | null {
  const l = load();
  if (!('exports' in l)) return null;
  return names.every((n) => typeof l.exports[n] === 'function') ? (l.exports as T) : null;
}

/** Like addonPart, for parts berth cannot work without: a missing addon is an error naming the fix. */
export function requireAddonPart<T>(names: ReadonlyArray<keyof T & string>): T {
  const part = addonPart<T>(names);
  if (part) return part;
  const l = load();
  const why = 'error' in l ? l.error.message : `it lacks ${names.join(', ')}`;
  throw new Error(`berth's native addon is not built (run scripts/setup.sh): ${why}`);
}
