// The network package: the service the engine calls, and the pieces tests and diagnostics use.
export * from './api-types.js';
export { NetworkService, PortAllocatedError } from './network-service.js';
export type { AttachRequest, AttachResult, Allocations, ContainerFiles, NetworkServiceOptions, AddressPool } from './network-service.js';
export { etcFilesIn, etcMounts, writeEtcFiles, type EtcFiles, type EtcFilesRequest, type EtcLayout, type EtcMount } from './container-etc-files.js';
export { execInNetns } from './netns.js';
export type { NetworkMode, PublishedPort } from './network-store.js';
