// `GET /events`: past events from `since`, then live ones until `until` (or until the client goes).
import { InvalidArgumentError } from '../errors.js';
import { parseTimestamp } from '../filters/mod.js';
import type { EngineEvent } from './engine-event.js';
import type { EventBus } from './event-bus.js';
import { matchesEvent, type EventFilter } from './event-filter.js';

/** The `since`/`until` query values as nanoseconds; docker refuses a window that ends before it starts. */
export function eventWindow(since: string | null, until: string | null): { since?: number; until?: number } {
  const s = since ? Number(parseTimestamp(since)) : undefined;
  const u = until ? Number(parseTimestamp(until)) : undefined;
  if (s !== undefined && u !== undefined && u < s) {
    throw new InvalidArgumentError(`\`since\` time (${since}) cannot be after \`until\` time (${until})`);
  }
  return { ...(s !== undefined ? { since: s } : {}), ...(u !== undefined ? { until: u } : {}) };
}

/** Sends the matching events and calls `end` when `until` passes; the returned function stops it all. */
export function followEvents(bus: EventBus, f: EventFilter, send: (e: EngineEvent) => void, end: () => void): () => void {
  if (f.since !== undefined) for (const e of bus.past(f)) send(e);
  const waitMs = f.until === undefined ? undefined : f.until / 1e6 - Date.now();
  if (waitMs !== undefined && waitMs <= 0) {
    end();
    return () => undefined;
  }
  const live: EventFilter = { ...(f.filters ? { filters: f.filters } : {}) };
  const unsubscribe = bus.subscribe((e) => {
    if (matchesEvent(e, live)) send(e);
  });
  const timer = waitMs === undefined ? undefined : setTimeout(end, waitMs);
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
