// One event as docker sends it on /events (its own file: the bus and the filters both need it).
export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'builder';

export interface EngineEvent {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  // Deprecated fields docker still sends for containers and images.
  status?: string;
  id?: string;
  from?: string;
}
