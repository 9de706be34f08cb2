// `berth completion bash|zsh|fish`: a completion script generated from the command table.
import { type CommandDefinition, PROGRAM } from '../command.js';
import { bool } from '../flags/flag-spec.js';
import { completionTree } from '../completion/completion-tree.js';
import { bashScript } from '../completion/bash-script.js';
import { zshScript } from '../completion/zsh-script.js';
import { fishScript } from '../completion/fish-script.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

function completionCommand(shell: keyof typeof SCRIPTS, load: string): CommandDefinition {
  return {
    name: `completion ${shell}`,
    usage: '',
    description: `Generate the autocompletion script for ${shell}\n\nLoad it in the current shell with:\n\n  ${load}`,
    flags: [bool('no-descriptions', undefined, 'disable completion descriptions')],
    args: { max: 0 },
    async run(ctx, cmd) {
      if (!ctx.commandTable) throw new Error('completion: no command table');
      ctx.stdout.write(SCRIPTS[shell](await completionTree(ctx.commandTable, { descriptions: !cmd.flags['no-descriptions'] }), PROGRAM));
    },
  };
}

export const completionBashCommand = completionCommand('bash', `source <(${PROGRAM} completion bash)`);
export const completionZshCommand = completionCommand('zsh', `source <(${PROGRAM} completion zsh)`);
export const completionFishCommand = completionCommand('fish', `${PROGRAM} completion fish | source`);
