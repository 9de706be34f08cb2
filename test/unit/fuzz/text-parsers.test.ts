// Short fuzz runs of the text parsers (Dockerfile, shell lexer, references, Go templates).
import { fuzzSuite } from '../../support/fuzz/fuzz-suite.js';
import { dockerfileTarget, goTemplateTarget, referenceTarget, shellLexTarget } from '../../support/fuzz/targets/text-targets.js';

fuzzSuite(dockerfileTarget, 1500);
fuzzSuite(shellLexTarget, 1500);
fuzzSuite(referenceTarget, 3000);
fuzzSuite(goTemplateTarget, 2000);
