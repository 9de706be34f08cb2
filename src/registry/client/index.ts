// The registry client: pull, push, login, manifest inspect, credentials. Re-exports only.
export { pullImage, type PullOptions, type PullResult } from './pull-image.js';
export { pushImage, type PushOptions, type PushResult } from './push-image.js';
export { login, type LoginOptions, type LoginResult } from './login.js';
export { fetchManifest, type FetchManifestOptions, type ManifestInfo } from './fetch-manifest.js';
export type { LayerSink } from './layer-sink.js';
export { RegistryHosts, type RegistryHostsConfig, type RegistryEndpoint, DEFAULT_CERTS_DIRS } from './registry-hosts.js';
export {
  type AuthConfig,
  INDEX_SERVER,
  decodeRegistryAuth,
  encodeRegistryAuth,
  resolveAuth,
  registryDomainOf,
  credentialsKey,
} from './auth-config.js';
export { DockerCredentials, dockerConfigPath } from './docker-config.js';
export {
  type ProgressMessage,
  type ProgressListener,
  errorProgressMessage,
  humanSize,
  progressBar,
} from './progress-message.js';
export { isRegistryError, type RegistryErrorInfo } from './registry-error.js';
