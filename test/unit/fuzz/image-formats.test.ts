// Short fuzz runs of image formats: layer compression, manifests/indexes/configs (client and
// registry server), docker save archives.
import { fuzzSuite } from '../../support/fuzz/fuzz-suite.js';
import { clientManifestTarget, imageArchiveTarget, layerTarget, serverManifestTarget } from '../../support/fuzz/targets/image-targets.js';

fuzzSuite(layerTarget, 600);
fuzzSuite(clientManifestTarget, 2000);
fuzzSuite(serverManifestTarget, 2000);
fuzzSuite(imageArchiveTarget, 300);
