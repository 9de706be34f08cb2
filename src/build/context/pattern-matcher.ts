// .dockerignore matching with docker's rules (the moby pattern matcher): patterns are cleaned
// paths relative to the context; `*` and `?` stay within one path element, `**` spans any
// number of them; `!pattern` re-includes; the last matching pattern decides; a pattern that
// matches a directory matches everything below it.
import { InvalidArgumentError } from '../../errors.js';
import { cleanPath } from './clean-path.js';
import { globToRegExp } from './glob-match.js';

type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

const ESCAPE = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

export class IgnorePattern {
  readonly exclusion: boolean;
  /** The cleaned pattern without its `!`. */
  readonly cleaned: string;
  readonly dirs: string[];
  private kind?: MatchKind;
  private regexp?: RegExp;

  constructor(raw: string) {
    let p = cleanPath(raw);
    this.exclusion = p.startsWith('!');
    if (this.exclusion) {
      if (p.length === 1) throw new InvalidArgumentError('illegal exclusion pattern: "!"');
      p = p.slice(1);
    }
    globToRegExp(p); // rejects what filepath.Match rejects (unclosed `[`, trailing `\`…)
    this.cleaned = p;
    this.dirs = p.split('/');
  }

  matches(path: string): boolean {
    if (!this.kind) this.compile();
    switch (this.kind!) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      case 'regexp':
        return this.regexp!.test(path);
    }
  }

  private compile(): void {
    const chars = Array.from(this.cleaned);
    let re = '^';
    let kind: MatchKind = 'exact';
    let pos = 0;
    for (let i = 0; pos < chars.length; i++) {
      const ch = chars[pos++]!;
      if (ch === '*') {
        if (chars[pos] === '*') {
          pos++;
          if (chars[pos] === '/') pos++;
          if (pos >= chars.length) {
            if (kind === 'exact') kind = 'prefix';
            else {
              re += '[^\\n]*';
              kind = 'regexp';
            }
          } else {
            re += '([^\\n]*/)?';
            kind = 'regexp';
          }
          if (i === 0) kind = 'suffix';
        } else {
          re += '[^/]*';
          kind = 'regexp';
        }
      } else if (ch === '?') {
        re += '[^/]';
        kind = 'regexp';
      } else if (ESCAPE.has(ch)) {
        re += '\\' + ch;
      } else if (ch === '\\') {
        const next = chars[pos];
        if (next !== undefined) {
          pos++;
          // Escaped punctuation is a literal; `\d`-style classes keep their regexp meaning.
          re += /[A-Za-z0-9]/.test(next) ? '\\' + next : `\\u{${next.codePointAt(0)!.toString(16)}}`;
          kind = 'regexp';
        } else {
          re += '\\\\';
        }
      } else if (ch === '[' || ch === ']') {
        re += ch;
        kind = 'regexp';
      } else {
        re += ch; // raw, as moby does (so `^` inside `[...]` negates)
      }
    }
    if (kind === 'regexp') {
      // Repeated `*` / `**/` pieces mean the same as one; collapsing them keeps hostile
      // patterns from making the backtracking engine explode.
      re = re.replace(/(?:\[\^\/\]\*){2,}/g, '[^/]*').replace(/(?:\(\[\^\\n\]\*\/\)\?){2,}/g, '([^\\n]*/)?') + '$';
      try {
        this.regexp = new RegExp(re, 'u');
      } catch {
        try {
          this.regexp = new RegExp(re.replace(/\\u\{([0-9a-f]+)\}/g, (_, h: string) => escapeLegacy(Number.parseInt(h, 16))));
        } catch {
          throw new InvalidArgumentError(`syntax error in pattern: ${JSON.stringify(this.cleaned)}`);
        }
      }
    }
    this.kind = kind;
  }
}

function escapeLegacy(cp: number): string {
  const s = String.fromCodePoint(cp);
  return /[\\^$.*+?()[\]{}|/-]/.test(s) ? '\\' + s : s;
}

/** Whether `pattern` matches one of the directories `dirs[0]`, `dirs[0]/dirs[1]`, … */
function ancestorMatches(pattern: IgnorePattern, dirs: readonly string[]): boolean {
  for (let i = 0; i < dirs.length; i++) if (pattern.matches(dirs.slice(0, i + 1).join('/'))) return true;
  return false;
}

/** Per-pattern results for a directory, handed down to its children. */
export type ParentMatches = readonly boolean[];

export class PatternMatcher {
  readonly patterns: IgnorePattern[];
  /** Whether any pattern is a `!` exception (then excluded directories must still be walked). */
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = [];
    for (const raw of patterns) {
      const p = raw.trim();
      if (p === '') continue;
      this.patterns.push(new IgnorePattern(p));
    }
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  /** Whether `file` (slash-separated, relative to the context) is excluded. */
  matches(file: string): boolean {
    // A pattern of N path elements also matches the file's first N-element ancestor.
    return this.decide(file, (pattern, dirs) => pattern.dirs.length <= dirs.length && pattern.matches(dirs.slice(0, pattern.dirs.length).join('/')));
  }

  /** Like matches(), but any ancestor directory matching a pattern counts. */
  matchesOrParentMatches(file: string): boolean {
    return this.decide(file, ancestorMatches);
  }

  /** The patterns in order, each deciding on the file or (by `parentMatches`) its parent directories. */
  private decide(file: string, parentMatches: (pattern: IgnorePattern, parentDirs: string[]) => boolean): boolean {
    const parentPath = dirname(file);
    const parentDirs = parentPath.split('/');
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.matches(file) || (parentPath !== '.' && parentMatches(pattern, parentDirs))) matched = !pattern.exclusion;
    }
    return matched;
  }

  /**
   * For walks: decides `file` from its own path and its parent directory's per-pattern results
   * (pass undefined for entries at the top or when the parent was not looked at).
   */
  matchesUsingParentResults(file: string, parent?: ParentMatches): { excluded: boolean; info: boolean[] } {
    const info: boolean[] = new Array(this.patterns.length).fill(false);
    let matched = false;
    this.patterns.forEach((pattern, i) => {
      let match = parent && parent.length > 0 ? parent[i]! : false;
      if (!match) {
        if (pattern.exclusion !== matched) return;
        match = pattern.matches(file);
        if (!match && (!parent || parent.length === 0)) {
          const parentPath = dirname(file);
          if (parentPath !== '.') match = ancestorMatches(pattern, parentPath.split('/'));
        }
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { excluded: matched, info };
  }

  /** Whether some `!` pattern could re-include something inside the excluded directory `dir`. */
  mayReincludeBelow(dir: string): boolean {
    const dirSlash = dir + '/';
    return this.patterns.some((p) => p.exclusion && (p.cleaned + '/').startsWith(dirSlash));
  }
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  if (i === -1) return '.';
  return i === 0 ? '/' : p.slice(0, i);
}

/** patternmatcher.Matches: builds a matcher and tests one cleaned path ("." never matches). */
export function matchesPatterns(file: string, patterns: readonly string[]): boolean {
  const f = cleanPath(file);
  if (f === '.') return false;
  return new PatternMatcher(patterns).matches(f);
}
