// Dockerfile text → typed Dockerfile (directives, ARGs before the first FROM, stages).
import { InstructionSyntaxError } from './argument-forms.js';
import { DockerfileParseError } from './errors.js';
import type { ArgInstruction, Dockerfile, Stage } from './instructions.js';
import { parseLines } from './line-parser.js';
import { type InstructionSource, typeFrom, typeInstruction } from './type-instruction.js';

export interface ParseOptions {
  /** The name errors use (`Dockerfile` unless given). */
  file?: string;
}

/**
 * Parses a Dockerfile. Throws DockerfileParseError (and nothing else) on bad input; the error
 * names the file and line like docker does.
 */
export function parseDockerfile(source: string | Uint8Array, opts: ParseOptions = {}): Dockerfile {
  const file = opts.file ?? 'Dockerfile';
  const text = typeof source === 'string' ? source : new TextDecoder().decode(source);
  const { lines, directives, escapeToken, warnings } = parseLines(text, file);
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];

  for (const line of lines) {
    const src: InstructionSource = { ...line, location: { startLine: line.startLine, endLine: line.endLine } };
    try {
      if (line.command.toLowerCase() === 'from') {
        const from = typeFrom(src);
        stages.push({
          index: stages.length,
          name: from.stageName,
          baseName: from.baseName,
          platform: from.platform,
          from,
          instructions: [],
          location: from.location,
        });
        continue;
      }
      const instr = typeInstruction(src);
      if (stages.length === 0) {
        if (instr.kind === 'ARG') {
          metaArgs.push(instr);
          continue;
        }
        throw new DockerfileParseError('no build stage in current context', file, line.startLine, line.endLine);
      }
      stages[stages.length - 1]!.instructions.push(instr);
    } catch (err) {
      if (err instanceof InstructionSyntaxError) throw new DockerfileParseError(err.message, file, line.startLine, line.endLine);
      throw err;
    }
  }
  return { file, directives, escapeToken, metaArgs, stages, warnings };
}
