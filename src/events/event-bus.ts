// The engine's event stream (`/events`): container, image, network and volume events in docker's shape.
import { EventEmitter } from 'node:events';
import type { EngineEvent, EventType } from './engine-event.js';
import { matchesEvent, type EventFilter } from './event-filter.js';

export type { EngineEvent, EventType } from './engine-event.js';

/** Keeps the last events in memory for `--since` and fans new ones out to subscribers. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly history: EngineEvent[] = [];
  private lastNano = 0n;

  constructor(private readonly keep = 1000) {
    this.emitter.setMaxListeners(0);
  }

  emit(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    let nano = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    if (nano <= this.lastNano) nano = this.lastNano + 1n;
    this.lastNano = nano;
    const ev: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
    };
    if (type === 'container' || type === 'image') {
      ev.status = action;
      ev.id = id;
      if (type === 'container' && attributes.image) ev.from = attributes.image;
    }
    this.history.push(ev);
    if (this.history.length > this.keep) this.history.shift();
    this.emitter.emit('event', ev);
    return ev;
  }

  /** Past events matching the filter (for `since`). */
  past(f: EventFilter): EngineEvent[] {
    return this.history.filter((e) => matchesEvent(e, f));
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
