// Input generators shared by the targets: token soups and mutations of real samples, as text
// and as bytes. Mutations keep most of a valid input so the parser gets past its first checks.
import fc from 'fast-check';

/** Up to `max` tokens joined by `sep` (a space or nothing, at random when sep is undefined). */
export function tokenSoup(tokens: readonly string[], max: number, sep?: string): fc.Arbitrary<string> {
  const tok = fc.constantFrom(...tokens);
  const part = sep === undefined ? fc.tuple(tok, fc.constantFrom('', ' ')).map(([t, s]) => t + s) : tok;
  return fc.array(part, { maxLength: max }).map((parts) => parts.join(sep ?? ''));
}

type Edit = { kind: 0 | 1 | 2 | 3 | 4; at: number; len: number; tok: number; ch: number };
const edit = fc.record({
  kind: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const, 4 as const),
  at: fc.nat(), len: fc.nat({ max: 64 }), tok: fc.nat(), ch: fc.nat({ max: 255 }),
});

function applyEdits<T extends { length: number; slice(a: number, b?: number): T }>(s: T, edits: Edit[], insert: (e: Edit) => T, concat: (...p: T[]) => T): T {
  for (const e of edits) {
    const at = s.length === 0 ? 0 : e.at % (s.length + 1);
    switch (e.kind) {
      case 0: s = concat(s.slice(0, at), s.slice(at + e.len)); break; // delete a span
      case 1: s = concat(s.slice(0, at), insert(e), s.slice(at)); break; // insert
      case 2: s = concat(s.slice(0, at), s.slice(at, at + e.len), s.slice(at)); break; // duplicate a span
      case 3: s = concat(s.slice(0, at), insert({ ...e, tok: -1 }), s.slice(at + 1)); break; // replace one
      default: s = s.slice(0, at); // cut
    }
  }
  return s;
}

/** A sample with a few edits: spans deleted, duplicated, cut, tokens or characters put in. */
export function mutatedText(samples: readonly string[], tokens: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([s, edits]) =>
    applyEdits(s, edits, (e) => (e.tok < 0 ? String.fromCharCode(e.ch) : tokens[e.tok % tokens.length]!), (...p) => p.join('')),
  );
}

/** Bytes of a sample with a few edits; inserted bytes come from `splices` or are single bytes. */
export function mutatedBytes(samples: fc.Arbitrary<Buffer>, splices: readonly Buffer[] = []): fc.Arbitrary<Uint8Array> {
  return fc.tuple(samples, fc.array(edit, { minLength: 1, maxLength: 8 })).map(([s, edits]) =>
    new Uint8Array(applyEdits(s, edits, (e) => (e.tok < 0 || splices.length === 0 ? Buffer.from([e.ch]) : splices[e.tok % splices.length]!), (...p) => Buffer.concat(p))),
  );
}
