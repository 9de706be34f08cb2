// Whitespace the way Go's unicode.IsSpace sees it (the Dockerfile grammar is defined by Go code):
// the Unicode White_Space set, which differs from JavaScript's \s (no U+FEFF, adds U+0085).
// Trimming is done by scanning, not by `\s+$`-style regexes, which go quadratic on long blanks.
const SPACE = /^\p{White_Space}$/u;

export function isGoSpace(ch: string): boolean {
  return SPACE.test(ch);
}

export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isGoSpace(s[i]!)) i++;
  return i === 0 ? s : s.slice(i);
}

export function trimRightSpace(s: string): string {
  let j = s.length;
  while (j > 0 && isGoSpace(s[j - 1]!)) j--;
  return j === s.length ? s : s.slice(0, j);
}

export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

const BLANK = new Set(['\t', '\v', '\f', '\r', ' ']);

/** Splits on runs of blanks other than newline (Go: regexp `[\t\v\f\r ]+` Split with n). */
export function splitBlanks(s: string, n = -1): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    if (BLANK.has(s[i]!)) {
      if (n > 0 && out.length === n - 1) break;
      let j = i;
      while (j < s.length && BLANK.has(s[j]!)) j++;
      out.push(s.slice(start, i));
      start = j;
      i = j;
    } else {
      i++;
    }
  }
  out.push(s.slice(start));
  return out;
}
