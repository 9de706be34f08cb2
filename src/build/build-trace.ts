// Fine timings of a build on berthd's stderr when BERTH_TRACE is set (for profiling by hand).
const ON = Boolean(process.env.BERTH_TRACE);

/** Starts a timer; the function it returns logs `label` with the time since the start. */
export function traceSpan(label: string): (extra?: string) => void {
  if (!ON) return () => undefined;
  const t0 = performance.now();
  return (extra) => console.error(`trace build ${label}${extra ? ` ${extra}` : ''} ${(performance.now() - t0).toFixed(2)}ms`);
}
