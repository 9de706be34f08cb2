// Go's time.ParseDuration grammar ("24h", "1h30m", "1.5h", "-10s", "500ms"), as docker reads
// relative `since`/`until` values.

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds, or undefined when the text is not a Go duration. */
export function goDurationNs(text: string): number | undefined {
  const m = /^([-+]?)(.*)$/.exec(text)!;
  const body = m[2]!;
  if (body === '0') return 0;
  if (body === '') return undefined;
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  for (let rest = body; rest !== '';) {
    const p = part.exec(rest);
    if (!p || (p[1] === '' && !p[2])) return undefined;
    const scale = UNIT_NS[p[3]!];
    if (scale === undefined) return undefined;
    total += Number(p[1] || '0') * scale + Math.round(Number(`0.${p[2] ?? ''}`) * scale);
    rest = rest.slice(p[0].length);
  }
  if (total > 2 ** 63 - 1) return undefined;
  return m[1] === '-' ? -total : total;
}
