// Column alignment with the semantics of Go's text/tabwriter, which docker's tables go through
// (minwidth 10, tabwidth 1, padding 3, padchar ' '): every tab-terminated cell belongs to a
// column; a column block is a run of consecutive lines that have a cell in that column, and its
// width is the widest cell plus padding, at least minwidth. The text after the last tab of a line
// is not aligned.

export interface TabwriterOptions {
  minWidth: number;
  padding: number;
}

/** docker's table settings. */
export const DOCKER_TABLE: TabwriterOptions = { minWidth: 10, padding: 3 };

const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Code points, as Go counts a cell's runes: a surrogate pair is one. */
function displayWidth(s: string): number {
  return s.length - (s.match(SURROGATE_PAIR)?.length ?? 0);
}

/** Aligns `text` (cells separated by `\t`, lines by `\n`). */
export function alignColumns(text: string, options: TabwriterOptions = DOCKER_TABLE): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let s = '';
      cells.forEach((cell, j) => {
        if (j < widths.length && j < cells.length - 1) s += cell + ' '.repeat(Math.max(0, widths[j]! - displayWidth(cell)));
        else s += cell;
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i]!.length - 1) continue;
      // A block of lines with a cell in this column begins here.
      writeLines(start, i);
      start = i;
      let width = options.minWidth;
      for (; i < line1; i++) {
        const cells = lines[i]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, displayWidth(cells[column]!) + options.padding);
      }
      widths.push(width);
      format(start, i);
      widths.pop();
      start = i;
      i--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
