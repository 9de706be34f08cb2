import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpansionError } from '../../../../src/build/dockerfile/errors.js';
import { ShellLex } from '../../../../src/build/dockerfile/shell-lexer.js';

const ENV = new Map([
  ['HOME', '/root'],
  ['NAME', 'world'],
  ['EMPTY', ''],
  ['FILE', 'archive.tar.gz'],
  ['PATHS', '/usr/local/bin:/usr/bin:/bin'],
  ['SPACED', '  a b  '],
  ['UNI', 'héllo wörld'],
]);

// [input, expected single-word result, or Error for a rejected substitution]
const WORD_CASES: [string, string | typeof Error][] = [
  ['plain', 'plain'],
  ['$NAME', 'world'],
  ['${NAME}', 'world'],
  ['hello-$NAME!', 'hello-world!'],
  ['${NAME}s', 'worlds'],
  ['$NAMEs', ''],
  ['$UNSET', ''],
  ['a${UNSET}b', 'ab'],
  ['$', '$'],
  ['a$', 'a$'],
  ['$.x', '$.x'],
  ['$1abc', 'abc'],
  ['${UNSET:-default}', 'default'],
  ['${EMPTY:-default}', 'default'],
  ['${EMPTY-default}', ''],
  ['${UNSET-default}', 'default'],
  ['${NAME:-default}', 'world'],
  ['${UNSET:-$NAME}', 'world'],
  ['${UNSET:-${ALSO:-deep}}', 'deep'],
  ['${NAME:+alt}', 'alt'],
  ['${EMPTY:+alt}', ''],
  ['${EMPTY+alt}', 'alt'],
  ['${UNSET+alt}', ''],
  ['${NAME:?boom}', 'world'],
  ['${EMPTY?boom}', ''],
  ['${UNSET:?boom}', Error],
  ['${EMPTY:?boom}', Error],
  ['${UNSET?}', Error],
  ['${FILE#*.}', 'tar.gz'],
  ['${FILE##*.}', 'gz'],
  ['${FILE%.*}', 'archive.tar'],
  ['${FILE%%.*}', 'archive'],
  ['${FILE#nomatch}', 'archive.tar.gz'],
  ['${PATHS#*:}', '/usr/bin:/bin'],
  ['${PATHS%:*}', '/usr/local/bin:/usr/bin'],
  ['${FILE/tar/zip}', 'archive.zip.gz'],
  ['${FILE//a/A}', 'Archive.tAr.gz'],
  ['${PATHS//:/ }', '/usr/local/bin /usr/bin /bin'],
  ['${FILE/?rch/X}', 'Xive.tar.gz'],
  ['${FILE//*/X}', 'X'],
  ['${FILE/#/X}', 'archive.tar.gz'],
  ['${FILE:#x}', Error],
  ['${NAME:x}', Error],
  ['${}', Error],
  ['${:}', Error],
  ['${NAME', Error],
  ['${NAME:-x', Error],
  ['${NAME/a', Error],
  ["'$NAME'", '$NAME'],
  ['"$NAME"', 'world'],
  ['"${NAME} and ${HOME}"', 'world and /root'],
  ["'single \"double\"'", 'single "double"'],
  ['"double \'single\'"', "double 'single'"],
  ['\\$NAME', '$NAME'],
  ['"\\$NAME"', '$NAME'],
  ['"a\\"b"', 'a"b'],
  ['"a\\b"', 'a\\b'],
  ['a\\ b', 'a b'],
  ['trailing\\', 'trailing'],
  ["'unterminated", Error],
  ['"unterminated', Error],
  ['${UNI}', 'héllo wörld'],
  ['$HOME/bin', '/root/bin'],
  ['${HOME}_x', '/root_x'],
];

test('substitution: one word (ADD COPY ENV LABEL USER WORKDIR …)', () => {
  const lex = new ShellLex('\\');
  for (const [input, expected] of WORD_CASES) {
    if (expected === Error) {
      assert.throws(() => lex.processWord(input, ENV), ExpansionError, `${input} should be rejected`);
    } else {
      assert.equal(lex.processWord(input, ENV), expected, input);
    }
  }
});

test('substitution: error messages read like BuildKit', () => {
  const lex = new ShellLex('\\');
  assert.throws(() => lex.processWord('${X:?is required}', ENV), { message: 'failed to process "${X:?is required}": X: is required' });
  assert.throws(() => lex.processWord('${X?}', ENV), /X: is not allowed to be unset/);
  assert.throws(() => lex.processWord('${EMPTY:?}', ENV), /EMPTY: is not allowed to be empty/);
  assert.throws(() => lex.processWord('${}', ENV), /bad substitution/);
  assert.throws(() => lex.processWord('${A:-x', ENV), /missing '}'/);
  assert.throws(() => lex.processWord('${A', ENV), /unsupported modifier/);
  assert.throws(() => lex.processWord("'x", ENV), /matching single-quote/);
});

// [input, expected words] — splitting happens after substitution; quotes keep spaces.
const WORDS_CASES: [string, string[]][] = [
  ['a b  c', ['a', 'b', 'c']],
  ['${SPACED}', ['a', 'b']],
  ['"${SPACED}"', ['  a b  ']],
  ['x${SPACED}y', ['x', 'a', 'b', 'y']],
  ['"a b" c', ['a b', 'c']],
  ["'a  b'c d", ['a  bc', 'd']],
  ['a\\ b c', ['a b', 'c']],
  ['$UNSET', []],
  ['"" x', ['x']],
  ['80/tcp ${PORTS:-443 8443}', ['80/tcp', '443', '8443']],
];

test('substitution: word splitting (EXPOSE)', () => {
  const lex = new ShellLex('\\');
  for (const [input, expected] of WORDS_CASES) assert.deepEqual(lex.processWords(input, ENV), expected, input);
});

test('substitution: backtick escape token', () => {
  const lex = new ShellLex('`');
  assert.equal(lex.processWord('C:\\dir\\$NAME', ENV), 'C:\\dir\\world');
  assert.equal(lex.processWord('`$NAME', ENV), '$NAME');
  assert.equal(lex.processWord('"a`"b"', ENV), 'a"b');
});

test('substitution: heredoc body mode keeps quotes, still expands', () => {
  const lex = new ShellLex('\\', { skipProcessQuotes: true });
  assert.equal(lex.processWord('echo "$NAME" \'$HOME\'\n', ENV), 'echo "world" \'/root\'\n');
});

test('substitution: skipUnsetEnv leaves unknown references as written', () => {
  const lex = new ShellLex('\\', { skipUnsetEnv: true });
  assert.equal(lex.processWord('$NAME $NOPE ${NOPE} ${NOPE:-x}', ENV), 'world $NOPE ${NOPE} ${NOPE:-x}');
});

test('substitution: reports which names were looked up', () => {
  const r = new ShellLex('\\').process('$NAME ${NOPE:-x} $HOME', ENV);
  assert.deepEqual([...r.matched].sort(), ['HOME', 'NAME']);
  assert.deepEqual([...r.unmatched], ['NOPE']);
});
