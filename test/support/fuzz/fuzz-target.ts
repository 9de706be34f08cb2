// What a fuzz target is, and how one input is judged. A target takes outside input (text or
// bytes) into one parser; the properties every target shares: it finishes within a time bound,
// and it either succeeds or throws one of the typed errors of src/errors.ts (BerthError) — a
// TypeError, RangeError or anything else untyped counts as a failure. Round trips, where a
// format has one, are checked by the target itself (it throws a RoundTripError).
import type { Arbitrary } from 'fast-check';
import { BerthError } from '../../../src/errors.js';

export type FuzzInput = string | Uint8Array;

export interface FuzzTarget {
  /** Short, file-name safe; also the corpus folder's name. */
  readonly name: string;
  /** What part of berth it drives (for the table in docs/security.md). */
  readonly covers: string;
  readonly arbitrary: Arbitrary<FuzzInput>;
  /** Runs one input; throws what the parser throws. */
  run(input: FuzzInput): void | Promise<void>;
  /** Errors a well-behaved parser may throw on bad input (default: any BerthError). */
  allowed?(err: unknown): boolean;
  /** Per-input time bound in ms (default 5000: generous, the machine may be loaded). */
  readonly timeLimitMs?: number;
}

/** A round trip that did not come back the same: always a failure. */
export class RoundTripError extends Error {}

/** Why an input failed, or undefined when it passed. */
export async function judge(target: FuzzTarget, input: FuzzInput): Promise<string | undefined> {
  const limit = target.timeLimitMs ?? 5000;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => target.run(input)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HangError(`no answer within ${limit} ms`)), limit);
      }),
    ]);
  } catch (err) {
    if (err instanceof HangError || err instanceof RoundTripError) return `${err.name}: ${err.message}`;
    const ok = target.allowed ? target.allowed(err) : err instanceof BerthError;
    if (!ok) return describe(err);
  } finally {
    clearTimeout(timer);
  }
  // A synchronous parser cannot be interrupted; judge it by the time it took.
  const took = performance.now() - started;
  if (took > limit) return `HangError: took ${Math.round(took)} ms (limit ${limit} ms)`;
  return undefined;
}

class HangError extends Error {
  override name = 'HangError';
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${err.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
  return `non-Error thrown: ${String(err)}`;
}
