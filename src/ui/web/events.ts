// One /events stream for the whole page; pages subscribe to the event types they show and
// reload what changed. Reconnects after a drop.
import { send, jsonLines } from './api';

export interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

type Listener = (e: EngineEvent) => void;
const listeners = new Set<Listener>();
export const recentEvents: EngineEvent[] = [];
let started = false;

async function follow(): Promise<void> {
  for (;;) {
    try {
      const r = await send('GET', `/events?since=${Math.floor(Date.now() / 1000)}`);
      for await (const e of jsonLines<EngineEvent>(r)) {
        recentEvents.unshift(e);
        if (recentEvents.length > 500) recentEvents.pop();
        for (const l of listeners) l(e);
      }
    } catch {
      // dropped: try again shortly
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Calls `fn` for each event; returns the unsubscribe. */
export function onEvent(fn: Listener): () => void {
  if (!started) {
    started = true;
    void follow();
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}
