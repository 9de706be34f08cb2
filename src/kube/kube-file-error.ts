// The one error a Kubernetes YAML problem raises: it names the file, the line, the document (its
// index, kind and name) and the field, so `kube play` reports what to fix before making anything.
import { InvalidArgumentError } from '../errors.js';

export interface KubeErrorPlace {
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** 1-based index of the document in the file. */
  document: number;
  kind?: string;
  name?: string;
  /** Dotted path: `spec.template.spec.containers[0].image`; '' for the document itself. */
  field: string;
}

export class KubeFileError extends InvalidArgumentError {
  constructor(readonly place: KubeErrorPlace, readonly reason: string) {
    super(formatKubeError(place, reason));
  }
}

function formatKubeError(p: KubeErrorPlace, reason: string): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  const doc = `document ${p.document}${p.kind ? ` (${p.kind}${p.name ? ` ${p.name}` : ''})` : ''}`;
  return `${where}: ${doc}${p.field ? `: ${p.field}` : ''}: ${reason}`;
}
