// Services in dependency order (dependencies first, ties by name), and the depends_on loop
// check: a cycle is reported with the services on it.
import { ComposeValueError } from './compose-file-error.js';
import type { ServiceConfig } from './project.js';

export class DependencyCycleError extends ComposeValueError {
  constructor(readonly cycle: string[]) {
    super(`dependency cycle detected: ${cycle.join(' -> ')}`);
  }
}

/** Names in an order where every service comes after what it depends on. */
export function dependencyOrder(services: Record<string, Pick<ServiceConfig, 'depends_on'>>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') throw new DependencyCycleError([...path.slice(path.indexOf(name)), name]);
    state.set(name, 'visiting');
    for (const dep of Object.keys(services[name]?.depends_on ?? {}).sort()) if (dep in services) visit(dep, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(services).sort()) visit(name, []);
  return order;
}
