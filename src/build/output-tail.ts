// The last lines a step printed, kept for the error message when it fails.

export class OutputTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly n = 10) {}

  push(data: Buffer): void {
    const parts = (this.partial + data.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts);
    if (this.lines.length > this.n) this.lines = this.lines.slice(-this.n);
  }

  get(): string[] {
    return this.partial ? [...this.lines, this.partial].slice(-this.n) : [...this.lines];
  }
}
