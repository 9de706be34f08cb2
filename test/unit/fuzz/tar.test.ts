// Short fuzz runs of the tar codec (reader on mutated archives, encoder round trip, PAX records).
import { fuzzSuite } from '../../support/fuzz/fuzz-suite.js';
import { paxRoundTripTarget, paxTarget, tarReaderTarget, tarRoundTripTarget } from '../../support/fuzz/targets/tar-targets.js';

fuzzSuite(tarReaderTarget, 2000);
fuzzSuite(tarRoundTripTarget, 500);
fuzzSuite(paxTarget, 2000);
fuzzSuite(paxRoundTripTarget, 1000);
