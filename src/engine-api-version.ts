// The Engine API versions berth speaks, shared by the daemon (which refuses others) and the client
// (which negotiates down to what a daemon offers).
export const MAX_API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

/** Orders dotted versions numerically ("1.9" < "1.41"); negative, zero or positive like a sort comparator. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
