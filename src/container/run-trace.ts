// Phase timings of a container's run (create, start steps, exit, removal) on berthd's stderr when
// BERTH_TRACE is set, for profiling by hand. Lines carry the same clock as the API's request trace
// (`Date.now() % 100000`), so a run reads in order beside its requests.
const ON = Boolean(process.env.BERTH_TRACE);

/** Starts a timer for one phase of container `id`; the function it returns logs the phase's time. */
export function tracePhase(id: string, label: string): () => void {
  if (!ON) return () => undefined;
  const t0 = performance.now();
  return () => console.error(`trace ${Date.now() % 100000} run ${id.slice(0, 12)} ${label} ${(performance.now() - t0).toFixed(1)}ms`);
}

/** Logs a moment of container `id`'s run (an exit seen, a record written). */
export function traceMoment(id: string, label: string): void {
  if (ON) console.error(`trace ${Date.now() % 100000} run ${id.slice(0, 12)} ${label}`);
}
