// The one error a compose file problem raises: it names the file, the line and the key, the way a
// user goes looking for it (`compose.yaml:12: services.web.ports[0]: …`).
import { InvalidArgumentError } from '../../errors.js';

export interface SourcePosition {
  file: string;
  /** 1-based; 0 when unknown (a value that came from no file, e.g. the command line). */
  line: number;
}

export class ComposeFileError extends InvalidArgumentError {
  constructor(
    readonly position: SourcePosition | undefined,
    readonly key: string,
    readonly reason: string,
  ) {
    super(formatComposeError(position, key, reason));
  }
}

function formatComposeError(pos: SourcePosition | undefined, key: string, reason: string): string {
  const where = pos ? (pos.line > 0 ? `${pos.file}:${pos.line}: ` : `${pos.file}: `) : '';
  return key !== '' ? `${where}${key}: ${reason}` : `${where}${reason}`;
}

/** A bad value found by a parser that does not know where it came from; the caller adds file, line and key. */
export class ComposeValueError extends Error {}
