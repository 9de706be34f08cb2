// Single-quoted words for the generated scripts: POSIX shells cannot escape inside single
// quotes, fish can (and must, for \ and ').

/** bash and zsh: close the quotes, an escaped quote, reopen. */
export function posixQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** fish: backslash escapes inside single quotes. */
export function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
