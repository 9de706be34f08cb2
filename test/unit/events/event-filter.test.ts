import { it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesEvent } from '../../../src/events/event-filter.js';
import type { EngineEvent } from '../../../src/events/event-bus.js';
import { FilterArgs } from '../../../src/filters/mod.js';

function ev(Type: EngineEvent['Type'], Action: string, ID: string, Attributes: Record<string, string> = {}): EngineEvent {
  return { Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 1, timeNano: 1e9 };
}

const start = ev('container', 'start', 'abcdef0123', { name: 'web', image: 'busybox:latest', team: 'db' });
const pull = ev('image', 'pull', 'sha256:1234', { name: 'docker.io/library/busybox:1.36' });
const health = ev('container', 'health_status: healthy', 'abcdef0123', { name: 'web' });
const m = (e: EngineEvent, f: Record<string, string[]>): boolean => matchesEvent(e, { filters: FilterArgs.of(f) });

it('matches docker\'s event filters', () => {
  assert.equal(m(start, { type: ['container'], event: ['start'] }), true);
  assert.equal(m(start, { event: ['stop'] }), false);
  assert.equal(m(health, { event: ['health_status'] }), true);
  assert.equal(m(start, { container: ['abc'] }), true); // id prefix
  assert.equal(m(start, { container: ['we'] }), true); // name prefix
  assert.equal(m(pull, { container: ['web'] }), false);
  assert.equal(m(start, { image: ['busybox'] }), true); // repository without tag
  assert.equal(m(pull, { image: ['busybox'] }), true);
  assert.equal(m(start, { label: ['team=db'] }), true);
  assert.equal(m(start, { label: ['team=db', 'other'] }), false); // every label must match
  assert.equal(m(start, { scope: ['swarm'] }), false);
  assert.equal(m(start, { whatever: ['x'] }), true); // unknown keys are ignored
});

it('keeps to the time window', () => {
  assert.equal(matchesEvent(start, { since: 2e9 }), false);
  assert.equal(matchesEvent(start, { until: 0.5e9 }), false);
  assert.equal(matchesEvent(start, { since: 0.5e9, until: 2e9 }), true);
});
