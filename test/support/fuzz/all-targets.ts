// Every in-process fuzz target, for the long runs (the suite lists its own per test file).
import type { FuzzTarget } from './fuzz-target.js';
import { clientManifestTarget, imageArchiveTarget, layerTarget, serverManifestTarget } from './targets/image-targets.js';
import { paxRoundTripTarget, paxTarget, tarReaderTarget, tarRoundTripTarget } from './targets/tar-targets.js';
import { dockerfileTarget, goTemplateTarget, referenceTarget, shellLexTarget } from './targets/text-targets.js';

export const ALL_TARGETS: readonly FuzzTarget[] = [
  dockerfileTarget, shellLexTarget, referenceTarget, goTemplateTarget, tarReaderTarget, tarRoundTripTarget, paxTarget, paxRoundTripTarget,
  layerTarget, clientManifestTarget, serverManifestTarget, imageArchiveTarget,
];
