// Renders a list of rows with a docker `--format` value: "table" (the command's default table),
// "table <template>", "json", or a plain Go template, one line per row. Tables get a header row
// made by running the same template over the header context, then column alignment.
import { BUILTIN_FUNCTIONS } from './go-template/functions.js';
import { Template, TemplateError } from './go-template/template.js';
import { alignColumns } from './tabwriter.js';

/** Header names by field (`ID` → `CONTAINER ID`); `Label "a.b"` gives `B`. */
export class HeaderContext {
  [field: string]: unknown;
  constructor(headers: Record<string, string>) {
    Object.assign(this, headers);
  }
  Label(name: string): string {
    const parts = name.split('.');
    return parts[parts.length - 1]!.toUpperCase();
  }
}

/** In the header row, docker's string functions pass the header through unchanged. */
const HEADER_FUNCTIONS = {
  json: (v: unknown) => v,
  split: (v: unknown) => v,
  join: (v: unknown) => v,
  title: (v: unknown) => v,
  lower: (v: unknown) => v,
  upper: (v: unknown) => v,
  pad: (v: unknown) => v,
  truncate: (v: unknown) => v,
};

export interface ListFormat {
  isTable: boolean;
  template: string;
}

/** Normalises a `--format` value against the command's default table. */
export function resolveFormat(format: string | undefined, defaultTable: string): ListFormat {
  let f = format ?? '';
  if (f === '' || f === 'table') f = defaultTable;
  else if (f === 'json') f = '{{json .}}';
  const isTable = f.startsWith('table');
  let body = isTable ? f.slice('table'.length) : f;
  body = body.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return { isTable, template: body };
}

/** Parses with docker's error prefix. */
export function compileFormat(template: string): Template {
  try {
    return new Template(template);
  } catch (err) {
    if (err instanceof TemplateError) throw new TemplateError(`template parsing error: ${err.message}`);
    throw err;
  }
}

/** Renders rows; the result ends with a newline unless there is nothing to print. */
export function renderList(format: ListFormat, rows: readonly unknown[], header: HeaderContext): string {
  const tmpl = compileFormat(format.template);
  let body = '';
  for (const row of rows) {
    try {
      body += tmpl.execute(row) + '\n';
    } catch (err) {
      if (err instanceof TemplateError) throw new TemplateError(`template parsing error: ${err.message}`);
      throw err;
    }
  }
  if (!format.isTable) return body;
  let head = '';
  try {
    head = new Template(format.template, { ...BUILTIN_FUNCTIONS, ...HEADER_FUNCTIONS }).execute(header);
  } catch {
    head = '';
  }
  return alignColumns(head + '\n' + body);
}
