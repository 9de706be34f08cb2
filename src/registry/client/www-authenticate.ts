// Parses `WWW-Authenticate` challenges: `Bearer realm="…",service="…",scope="…"`, `Basic realm="…"`.

export interface Challenge {
  /** Lower-cased scheme: "bearer", "basic". */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

/** All challenges in one or several header values (several may share one value, comma-separated). */
export function parseWwwAuthenticate(values: string | string[] | undefined): Challenge[] {
  if (values === undefined) return [];
  const out: Challenge[] = [];
  for (const value of Array.isArray(values) ? values : [values]) {
    let i = 0;
    let current: Challenge | undefined;
    const s = value;
    while (i < s.length) {
      while (i < s.length && (s[i] === ' ' || s[i] === ',' || s[i] === '\t')) i++;
      const tokStart = i;
      while (i < s.length && /[^\s,=]/.test(s[i]!)) i++;
      const token = s.slice(tokStart, i);
      if (token === '') break;
      let j = i;
      while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
      if (s[j] === '=' && current) {
        // name=value (quoted-string or token)
        i = j + 1;
        while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
        let val = '';
        if (s[i] === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && i + 1 < s.length) i++;
            val += s[i];
            i++;
          }
          i++;
        } else {
          const vStart = i;
          while (i < s.length && s[i] !== ',') i++;
          val = s.slice(vStart, i).trim();
        }
        current.params[token.toLowerCase()] = val;
      } else {
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
        i = j;
      }
    }
  }
  return out;
}
