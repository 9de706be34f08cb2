// The completion scripts are generated from the command table: every command word and every flag
// must be in them, and each must be valid shell (checked where that shell is installed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, MANAGEMENT } from '../../../../src/cli/command-table.js';
import { completionTree } from '../../../../src/cli/completion/completion-tree.js';
import { bashScript } from '../../../../src/cli/completion/bash-script.js';
import { zshScript } from '../../../../src/cli/completion/zsh-script.js';
import { fishScript } from '../../../../src/cli/completion/fish-script.js';

const TABLE = { commands: COMMANDS, management: MANAGEMENT };
const has = (shell: string): boolean => spawnSync(shell, ['-c', 'true']).status === 0;

describe('completion scripts', () => {
  it('bash: every command word and flag of the table appears, and bash -n accepts it', async () => {
    const script = bashScript(await completionTree(TABLE), 'berth');
    for (const entry of COMMANDS) {
      for (const path of entry.paths) for (const word of path.split(' ')) assert.match(script, new RegExp(`[' ]${word}[' ]`), `${path}: ${word}`);
      const def = await entry.load();
      for (const f of def.flags.filter((x) => !x.hidden)) {
        assert.ok(script.includes(`--${f.name}`), `${entry.paths[0]}: --${f.name}`);
        if (f.short) assert.ok(script.includes(` -${f.short}`), `${entry.paths[0]}: -${f.short}`);
      }
    }
    execFileSync('bash', ['-n'], { input: script });
  });

  it('bash: completes words, sub-words and flags by the typed path', async () => {
    const script = bashScript(await completionTree(TABLE), 'berth');
    const complete = (...words: string[]): string =>
      execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _berth; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim();
    assert.equal(complete('berth', 'netw'), 'network');
    assert.equal(complete('berth', 'network', 'co'), 'connect');
    assert.equal(complete('berth', '--context', 'x', 'volume', 'c'), 'create');
    assert.equal(complete('berth', 'run', '--device-write-'), '--device-write-bps --device-write-iops');
    assert.equal(complete('berth', 'completion', 'f'), 'fish');
  });

  it('zsh and fish scripts name every flag and parse', async () => {
    const tree = await completionTree(TABLE);
    const zsh = zshScript(tree, 'berth');
    const fish = fishScript(tree, 'berth');
    for (const [path, flags] of tree.flags) {
      for (const f of flags) for (const n of f.names) {
        assert.ok(zsh.includes(`'${n}:`), `zsh ${path}: ${n}`);
        assert.ok(fish.includes(n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`), `fish ${path}: ${n}`);
      }
    }
    if (has('zsh')) execFileSync('zsh', ['-n'], { input: zsh });
    if (has('fish')) {
      const dir = mkdtempSync(join(tmpdir(), 'berth-fish-'));
      try {
        writeFileSync(join(dir, 'berth.fish'), fish);
        execFileSync('fish', ['-n', join(dir, 'berth.fish')]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
