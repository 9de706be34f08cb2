// The model's entry point: files → ComposeProject (see project.ts for the shape).
import type { ComposeProject, LoadOptions } from './project.js';

/** Loads, interpolates, validates, merges and normalizes a project. Errors are InvalidArgumentError naming file, line and key. */
export async function loadProject(options: LoadOptions = {}): Promise<ComposeProject> {
  void options;
  throw new Error('compose model: loadProject not implemented yet');
}
