// docker's filter grammar, one module for every list, prune and events endpoint.
export { FilterArgs, invalidFilter } from './filter-args.js';
export { parseTimestamp, pruneUntil, createdNotAfter, unixTimestampNs } from './filter-time.js';
export { goDurationNs } from './go-duration.js';
export { pathMatch } from './path-match.js';
export { ACCEPTED_FILTERS } from './accepted-keys.js';
