// Steps with no order between them, run side by side. Unlike Promise.all, a failure waits for the
// others to settle, so nothing is still under way when the caller unwinds or retries.

/** Runs the steps together; once all have settled, throws the first failure (by position), if any. */
export async function runTogether(steps: ReadonlyArray<() => Promise<unknown> | unknown>): Promise<void> {
  const failed = (await Promise.allSettled(steps.map(async (s) => s()))).find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
}
