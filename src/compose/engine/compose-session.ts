// What every compose operation works with: the API client, the loaded project, the progress
// writer, and the image operations the CLI lends (pull with registry auth, build with a packed
// context — both need CLI-side parts the engine layer may not import).
import type { ApiClient } from '../../client/api-client.js';
import type { ComposeProject, ServiceConfig } from '../model/project.js';
import type { ProgressWriter } from './progress-writer.js';

export interface ImageOperations {
  /** Pulls `image` (quietly: compose shows a line per service, not per layer). */
  pull(image: string, platform?: string): Promise<void>;
  /** Builds the service's image and tags it `tag`. */
  build(service: ServiceConfig, tag: string): Promise<void>;
}

export interface ComposeSession {
  readonly client: ApiClient;
  readonly project: ComposeProject;
  readonly progress: ProgressWriter;
  readonly images: ImageOperations;
}
