// Runs one health-check command inside a running container with the runtime's exec (the container's own
// process settings: user, env, cwd, capabilities), collecting stdout and stderr together, capped as
// docker caps them, and killing it at the timeout.
import type { OciRuntime } from '../runtime/oci-runtime.js';

/** docker keeps at most this much of a probe's output. */
export const HEALTH_OUTPUT_MAX = 4096;

export interface ProbeResult {
  Start: string;
  End: string;
  /** 0 healthy, anything else a failure; -1 when the probe timed out or could not run. */
  ExitCode: number;
  Output: string;
}

export function runHealthProbe(runtime: OciRuntime, containerId: string, cmd: string[], timeoutMs: number): Promise<ProbeResult> {
  const start = new Date();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (b: Buffer): void => {
      if (size >= HEALTH_OUTPUT_MAX) return;
      const part = b.subarray(0, HEALTH_OUTPUT_MAX - size);
      chunks.push(part);
      size += part.length;
    };
    const child = runtime.execAttached(containerId, cmd);
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The runtime passes catchable signals on to the process it runs; SIGKILL for it only if that fails.
      child.signal('SIGTERM');
      setTimeout(() => child.signal('SIGKILL'), 2000).unref();
    }, timeoutMs);
    timer.unref();
    const finish = (code: number, output: string): void => {
      clearTimeout(timer);
      resolve({ Start: start.toISOString(), End: new Date().toISOString(), ExitCode: code, Output: output });
    };
    child.exited.then(
      (code) => {
        if (timedOut) finish(-1, `Health check exceeded timeout (${formatSeconds(timeoutMs)})`);
        else finish(code ?? -1, Buffer.concat(chunks).toString('utf8'));
      },
      (err: Error) => finish(-1, `cannot run the health check: ${err.message}`),
    );
  });
}

/** Go's time.Duration String for whole and fractional seconds: 30s, 1.5s, 500ms. */
function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
