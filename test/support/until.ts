// Polling for tests: what a daemon does in the background (restarts, health, events) shows up a
// little later; tests wait for it with a deadline instead of sleeping a guessed time.

/**
 * Calls fn every 100 ms until it returns something other than undefined, or fails after timeoutMs
 * naming `what` (and what `show` says of the state then, when given).
 */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, show?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${show ? `: ${await show()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
