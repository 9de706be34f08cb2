// The filter keys each docker endpoint accepts; any other is `invalid filter 'x'` (400).
// /events and /build/prune accept any key (docker ignores those it does not know there).
export const ACCEPTED_FILTERS = {
  containerList: ['ancestor', 'before', 'exited', 'expose', 'health', 'id', 'is-task', 'isolation', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'],
  containerPrune: ['label', 'label!', 'until'],
  imageList: ['before', 'dangling', 'label', 'reference', 'since', 'until'],
  imagePrune: ['dangling', 'label', 'label!', 'until'],
  volumeList: ['dangling', 'driver', 'label', 'name'],
  volumePrune: ['all', 'label', 'label!'],
  networkList: ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'],
  networkPrune: ['label', 'label!', 'until'],
  pluginList: ['capability', 'enabled'],
  // berth's pods (podman's `pod ps` and `pod prune` keys)
  podList: ['ctr-ids', 'ctr-names', 'ctr-number', 'ctr-status', 'id', 'label', 'label!', 'name', 'network', 'status', 'until'],
  podPrune: ['label', 'label!', 'until'],
} as const satisfies Record<string, readonly string[]>;
