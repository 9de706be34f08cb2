// Rollback for a sequence of steps: each step that made something pushes how to take it back;
// on failure the stack unwinds newest first, every undo run even when an earlier one fails.

export class UndoStack {
  private readonly undos: Array<{ label: string; undo: () => unknown }> = [];

  push(label: string, undo: () => unknown): void {
    this.undos.push({ label, undo });
  }

  /** The labels of the undos still to run, newest first (for tests and traces). */
  get pending(): string[] {
    return this.undos.map((u) => u.label).reverse();
  }

  async unwind(): Promise<void> {
    for (let u = this.undos.pop(); u; u = this.undos.pop()) {
      try {
        await u.undo();
      } catch {
        // Best effort: the next undo must still run, and the step's own error is what the caller reports.
      }
    }
  }
}
