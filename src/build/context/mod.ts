// The build context: .dockerignore, COPY source globs, the context tar, content digests.
export { cleanPath } from './clean-path.js';
export { BadPatternError, containsWildcards, globMatch, globToRegExp } from './glob-match.js';
export { IgnorePattern, PatternMatcher, matchesPatterns, type ParentMatches } from './pattern-matcher.js';
export { keepBuildFiles, loadDockerignore, parseDockerignore, type IgnoreFile } from './dockerignore.js';
export { copyTarget, keptParents, resolveCopySource, resolveCopySources, sourceRelative, splitWildcards, type CopyTargetInput } from './copy-sources.js';
export { HostileArchiveError, packContext, safeEntryPath, unpackContext, type KnownDigests, type PackOptions, type UnpackOptions } from './context-tar.js';
export { collectEntries, digestEntries, type DigestOptions, type EntryRecord } from './content-digest.js';
