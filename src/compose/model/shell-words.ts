// Splits a command string into words as a POSIX shell would (quotes and backslashes, no
// expansion): compose turns `command: echo "a b"` into ["echo", "a b"].
import { ComposeValueError } from './compose-file-error.js';

export function splitShellWords(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ComposeValueError(`unterminated quote in ${JSON.stringify(s)}`);
      word += s.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) j++;
        word += s[j];
      }
      if (j >= s.length) throw new ComposeValueError(`unterminated quote in ${JSON.stringify(s)}`);
      i = j;
    } else if (c === '\\' && i + 1 < s.length) {
      word += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
