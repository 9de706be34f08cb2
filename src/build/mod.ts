// The builder: Dockerfile → stages run as a graph → cached steps → image. Re-exports only.
export { BuildService } from './build-service.js';
export { BuildStepError } from './build-step-error.js';
export type { BuildOptions, BuildResult, BuildServiceDeps, ContextSource } from './build-options.js';
export type { BuildEvent, BuildReporter, StepRef } from './build-progress.js';
export { BuildCache, type CacheEntry, type StepResult } from './build-cache.js';
export { ClassicMessages } from './classic-messages.js';
export { PlainMessages } from './plain-messages.js';
export { RunFailedError, BuildCancelledError } from './run-step.js';
export { copyIntoRoot, type CopyIntoRootOptions, type Owner } from './copy-into-root.js';
export { fetchRemoteContext } from './remote-context.js';
export { applyDockerignore } from './apply-dockerignore.js';
export { contextChunks } from './context-chunks.js';
export { ReceivedContext } from './context/received-context.js';
