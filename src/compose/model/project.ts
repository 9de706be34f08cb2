// The normalized compose project: what the model (files → project) hands the engine (project →
// containers). Every service field is in the Compose Specification's long syntax, with defaults
// applied, variables interpolated and extends/merge/profiles resolved, so the engine never looks
// at a compose file. Durations are nanoseconds and sizes bytes, as the Engine API wants them.
// Shape and key names follow the spec (and so `berth compose config`'s output); optional fields
// are absent when the file did not set them. Types only: `loadProject` (load-project.ts) builds one,
// and every model module imports these types, so the function cannot live here without a cycle.

/** A duration in nanoseconds (compose's `1m30s`, `10s`, `500ms` parsed). */
export type Nanoseconds = number;
/** A size in bytes (compose's `512m`, `1gb` parsed). */
export type Bytes = number;

export interface ComposeProject {
  /** Normalized project name: lowercase, [a-z0-9_-], starting with a letter or digit. */
  name: string;
  /** Absolute directory relative paths are resolved against (the first file's directory or --project-directory). */
  workingDir: string;
  /** Absolute paths of the files loaded, in order. */
  configFiles: string[];
  /** The variables interpolation saw: the process environment over the .env / --env-file values. */
  environment: Record<string, string>;
  /** Services by name, profiles applied (only the active ones). */
  services: Record<string, ServiceConfig>;
  /** Top-level networks; `default` is always present unless every service uses network_mode. */
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** Services left out by profiles (for `config --profiles`-like listings and --remove-orphans). */
  disabledServices: Record<string, ServiceConfig>;
  /** Compose extension keys (x-*) found at the top level, as written. */
  extensions?: Record<string, unknown>;
}

export interface ServiceConfig {
  /** The key under `services:` (repeated here so a service can be passed around alone). */
  name: string;
  image?: string;
  build?: BuildConfig;
  /** null = the image's default; [] = explicitly empty (compose's `command: []`). */
  command: string[] | null;
  entrypoint: string[] | null;
  /** Final environment: env_file entries, then `environment`; a null value = declared without value and not in the env. */
  environment: Record<string, string | null>;
  /** env_file entries as loaded (absolute paths), kept for `config` output. */
  env_file?: EnvFileRef[];
  ports: ServicePort[];
  expose?: string[];
  volumes: ServiceVolume[];
  /** Networks by top-level name; empty when network_mode is set. */
  networks: Record<string, ServiceNetwork>;
  network_mode?: string;
  /** depends_on in long form, keyed by service name. */
  depends_on: Record<string, ServiceDependency>;
  healthcheck?: Healthcheck;
  /** `no` | `always` | `on-failure[:N]` | `unless-stopped` */
  restart?: string;
  deploy?: DeployConfig;
  /** Replicas to run: deploy.replicas or `scale`, default 1. */
  scale: number;
  labels: Record<string, string>;
  container_name?: string;
  hostname?: string;
  domainname?: string;
  user?: string;
  working_dir?: string;
  tmpfs?: string[];
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  ulimits?: Record<string, Ulimit>;
  sysctls?: Record<string, string>;
  init?: boolean;
  privileged?: boolean;
  read_only?: boolean;
  stdin_open?: boolean;
  tty?: boolean;
  /** `host:ip` pairs as docker's ExtraHosts wants them (map syntax flattened). */
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  stop_signal?: string;
  stop_grace_period?: Nanoseconds;
  profiles?: string[];
  pull_policy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present' | 'daily' | 'weekly' | string;
  platform?: string;
  secrets?: ServiceFileRef[];
  configs?: ServiceFileRef[];
  logging?: { driver?: string; options?: Record<string, string> };
  ipc?: string;
  pid?: string;
  shm_size?: Bytes;
  mem_limit?: Bytes;
  mem_reservation?: Bytes;
  cpus?: number;
  cpu_shares?: number;
  devices?: string[];
  group_add?: string[];
  links?: string[];
  external_links?: string[];
  volumes_from?: string[];
  mac_address?: string;
  /** x-* keys of the service, as written. */
  extensions?: Record<string, unknown>;
}

export interface BuildConfig {
  /** Absolute path or a URL (git / http context). */
  context: string;
  /** Relative to the context, default `Dockerfile`; absent when dockerfile_inline is set. */
  dockerfile?: string;
  dockerfile_inline?: string;
  /** Build args; null value = take from the environment at build time. */
  args?: Record<string, string | null>;
  target?: string;
  secrets?: ServiceFileRef[];
  labels?: Record<string, string>;
  cache_from?: string[];
  cache_to?: string[];
  network?: string;
  no_cache?: boolean;
  pull?: boolean;
  shm_size?: Bytes;
  extra_hosts?: string[];
  platforms?: string[];
  tags?: string[];
  ssh?: string[];
}

export interface EnvFileRef {
  path: string;
  required: boolean;
}

/** A published or exposed port, long syntax. */
export interface ServicePort {
  name?: string;
  mode: 'ingress' | 'host';
  /** Host address to bind; absent = all. */
  host_ip?: string;
  target: number;
  /** Host port or range (`8080`, `8080-8081`); absent = ephemeral. */
  published?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  app_protocol?: string;
}

export interface ServiceVolume {
  type: 'volume' | 'bind' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Volume name (top-level key, not yet prefixed with the project), absolute host path for binds; absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: 'z' | 'Z' };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: Bytes; mode?: number };
  image?: { subpath?: string };
}

export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
  driver_opts?: Record<string, string>;
}

export interface ServiceDependency {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** Restart this service when the dependency is recreated/restarted. */
  restart: boolean;
  /** false: a missing (e.g. profiled-out) dependency is tolerated. */
  required: boolean;
}

export interface Healthcheck {
  /** Docker's Test form: ['NONE'], ['CMD', …] or ['CMD-SHELL', cmd]. */
  test?: string[];
  interval?: Nanoseconds;
  timeout?: Nanoseconds;
  retries?: number;
  start_period?: Nanoseconds;
  start_interval?: Nanoseconds;
  disable?: boolean;
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  resources?: {
    limits?: ResourceSpec;
    reservations?: ResourceSpec & { devices?: Array<Record<string, unknown>> };
  };
  restart_policy?: { condition?: string; delay?: Nanoseconds; max_attempts?: number; window?: Nanoseconds };
}

export interface ResourceSpec {
  /** Fractional CPUs (`0.5`). */
  cpus?: number;
  memory?: Bytes;
  pids?: number;
}

export interface Ulimit {
  soft: number;
  hard: number;
}

/** A service's reference to a top-level secret or config, long syntax. */
export interface ServiceFileRef {
  source: string;
  /** Path in the container (secrets: /run/secrets/<source> by default; configs: /<source>). */
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface NetworkConfig {
  /** Name on the engine: `<project>_<key>` unless `name` is set or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; ip_range?: string; gateway?: string; aux_addresses?: Record<string, string> }>; options?: Record<string, string> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeConfig {
  /** Name on the engine: `<project>_<key>` unless `name` is set or external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

/** A top-level secret or config: content from a file, an environment variable or inline. */
export interface FileObjectConfig {
  name: string;
  /** Absolute path. */
  file?: string;
  /** Name of the variable whose value is the content. */
  environment?: string;
  /** Inline content (configs only). */
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface LoadOptions {
  /** `-f` files in order; empty = COMPOSE_FILE, else discovery walking up from workingDir. */
  files?: string[];
  /** Where discovery starts and relative -f paths resolve; default process.cwd(). */
  workingDir?: string;
  /** `-p`; overrides COMPOSE_PROJECT_NAME and the file's `name`. */
  projectName?: string;
  /** `--env-file` files; default `<project dir>/.env` when it exists. */
  envFiles?: string[];
  /** `--profile`; empty = COMPOSE_PROFILES. */
  profiles?: string[];
  /** The process environment (default process.env); wins over .env values. */
  environment?: Record<string, string | undefined>;
  /** Skip interpolation (`config --no-interpolate`). */
  interpolate?: boolean;
  /** --project-directory: where relative paths resolve and .env is read; default the first file's directory. */
  projectDirectory?: string;
  /** Warnings (unset variables, ignored optional dependencies); compose prints them on stderr. */
  onWarning?: (message: string) => void;
  /** Reads the file named `-` (stdin). */
  stdin?: () => Promise<string>;
}
