// Checks a parsed file against the spec's structure (compose-schema.ts): unknown keys and values
// of the wrong kind are refused with file, line and key, before anything is created.
import { ComposeFileError } from './compose-file-error.js';
import { TOP_LEVEL, type Shape } from './compose-schema.js';
import { childPath, positionOf, type ComposeSource } from './compose-source.js';

const NAME_KEY = /^[a-zA-Z0-9._-]+$/;

export function validateSource(source: ComposeSource): void {
  const fail = (path: string, reason: string): never => {
    throw new ComposeFileError(positionOf(source, path), path === '' ? '(top level)' : path, reason);
  };
  const check = (value: unknown, shape: Shape, path: string): void => {
    if (shape === 'any') return;
    if (shape === 'scalar') {
      if (value !== null && typeof value === 'object') fail(path, `must be a ${'string'}, not a ${kindOf(value)}`);
      return;
    }
    if ('oneOf' in shape) {
      const alt = shape.oneOf.find((s) => fits(value, s)) ?? shape.oneOf.find((s) => s === 'any');
      if (!alt) fail(path, `must be ${shape.oneOf.map(describe).join(' or ')}, not a ${kindOf(value)}`);
      check(value, alt!, path);
      return;
    }
    if ('list' in shape) {
      if (!Array.isArray(value)) fail(path, `must be a list, not a ${kindOf(value)}`);
      (value as unknown[]).forEach((v, i) => check(v, shape.list, childPath(path, i)));
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      if (value === null && 'dict' in shape) return; // `services:` with nothing under it
      fail(path, `must be a mapping, not a ${kindOf(value)}`);
    }
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      const p = childPath(path, k);
      if (k.startsWith('x-')) continue;
      if ('map' in shape) {
        const sub = shape.map[k];
        if (sub === undefined) fail(p, `additional property ${JSON.stringify(k)} is not allowed`);
        check(v, sub!, p);
      } else {
        if (!NAME_KEY.test(k)) fail(p, `${JSON.stringify(k)} is not a valid name (allowed: letters, digits, '.', '_', '-')`);
        check(v, shape.dict, p);
      }
    }
  };
  check(source.data, TOP_LEVEL, '');
}

function fits(value: unknown, shape: Shape): boolean {
  if (shape === 'any') return false; // only chosen when nothing else fits
  if (shape === 'scalar') return value === null || typeof value !== 'object';
  if ('oneOf' in shape) return shape.oneOf.some((s) => fits(value, s));
  if ('list' in shape) return Array.isArray(value);
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(shape: Shape): string {
  if (shape === 'any') return 'null';
  if (shape === 'scalar') return 'a string';
  if ('oneOf' in shape) return shape.oneOf.map(describe).join(' or ');
  if ('list' in shape) return 'a list';
  return 'a mapping';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}
