// "(did you mean run?)" hints on unknown names, as BuildKit adds them: the closest candidate
// within an edit distance below 3.

function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** The closest option to `value`, or undefined when none is close or one matches exactly. */
export function closestName(value: string, options: readonly string[], caseSensitive: boolean): string | undefined {
  const val = caseSensitive ? value : value.toLowerCase();
  // Long inputs cannot be within distance 2 of a short name; skip the quadratic work.
  let match: string | undefined;
  let min = 3;
  for (const option of options) {
    const opt = caseSensitive ? option : option.toLowerCase();
    if (val === opt) return undefined;
    if (Math.abs(opt.length - val.length) >= min) continue;
    const d = levenshtein(val, opt);
    if (d < min) {
      min = d;
      match = caseSensitive ? opt : matchCase(opt, value);
    }
  }
  return match;
}

function matchCase(val: string, orig: string): string {
  if (orig === orig.toLowerCase()) return val.toLowerCase();
  if (orig === orig.toUpperCase()) return val.toUpperCase();
  return val;
}

/** `message` with a "(did you mean x?)" suffix when an option is close to `value`. */
export function suggest(message: string, value: string, options: readonly string[], caseSensitive: boolean): string {
  const match = closestName(value, options, caseSensitive);
  return match ? `${message} (did you mean ${match}?)` : message;
}
