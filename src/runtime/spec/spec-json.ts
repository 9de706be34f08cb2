// config.json text for a runtime spec. JSON.stringify cannot print bigints, and rlimits need them
// (RLIM_INFINITY is 2^64-1, beyond a double), so bigints are printed as plain JSON integers.
import type { RuntimeSpec } from './runtime-spec.js';

const MARK = '\u0000bigint:';

export function specToJson(spec: RuntimeSpec, indent = 0): string {
  const text = JSON.stringify(
    spec,
    (_key, value: unknown) => (typeof value === 'bigint' ? `${MARK}${value.toString()}` : value),
    indent,
  );
  // The mark holds a NUL, which JSON.stringify escapes, so match the escaped form.
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
