// compose's log lines: `web-1  | text`, the prefix padded to the longest and coloured per
// container (the colours cycle as compose's do); partial lines are held until their newline.
const COLOURS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class LogPrefixer {
  private next = 0;
  private readonly colours = new Map<string, number>();

  constructor(
    private readonly out: { write(s: string): unknown },
    private readonly width: number,
    private readonly opts: { colour: boolean; prefix: boolean },
  ) {}

  /** A sink for one container: feed it chunks, it writes whole prefixed lines. */
  sink(name: string): { write(chunk: Buffer): void; end(): void } {
    let pending = '';
    const colour = this.colours.get(name) ?? COLOURS[this.next++ % COLOURS.length]!;
    this.colours.set(name, colour);
    const label = `${name.padEnd(this.width)}  | `;
    const prefix = !this.opts.prefix ? '' : this.opts.colour ? `\x1b[${colour}m${label}\x1b[0m` : label;
    const emit = (line: string): void => {
      this.out.write(`${prefix}${line}\n`);
    };
    return {
      write: (chunk) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const l of lines) emit(l.replace(/\r$/, ''));
      },
      end: () => {
        if (pending !== '') emit(pending);
        pending = '';
      },
    };
  }
}

/** The name compose prints for a container: its name without the `<project>-` in front. */
export function logName(project: string, containerName: string): string {
  return containerName.startsWith(`${project}-`) ? containerName.slice(project.length + 1) : containerName;
}
