// The Compose Specification's structure, as much of it as validation needs: which keys each
// mapping accepts (x-* extensions everywhere the spec allows them) and whether a value is a
// scalar, a list or a mapping. Written from the spec's key lists (schema/compose-spec.json).

export type Shape =
  | 'scalar' // string, number or boolean (the spec often takes either)
  | 'any'
  | { map: Record<string, Shape> } // fixed keys; x-* always allowed
  | { dict: Shape } // free keys (names), each value of one shape
  | { list: Shape }
  | { oneOf: Shape[] };

const S = 'scalar' as const;
const list = (of: Shape = S): Shape => ({ list: of });
const dict = (of: Shape = S): Shape => ({ dict: of });
const map = (keys: Record<string, Shape>): Shape => ({ map: keys });
const oneOf = (...alts: Shape[]): Shape => ({ oneOf: alts });
const keys = (names: string, shape: Shape = S): Record<string, Shape> => Object.fromEntries(names.split(' ').map((n) => [n, shape]));

const listOrDict = oneOf(list(), dict({ oneOf: [S, 'any'] }));
const stringOrList = oneOf(S, list());
const fileRefs = list(oneOf(S, map(keys('source target uid gid mode'))));
const ulimits = dict(oneOf(S, map(keys('soft hard'))));
const command = oneOf(S, list());
const externalRef = oneOf(S, map({ name: S }));
const devicesRequest = list(map({ ...keys('capabilities device_ids', list()), ...keys('count driver'), options: listOrDict }));

const healthcheck = map({ ...keys('disable interval retries start_interval start_period timeout'), test: command });

const deploy = map({
  ...keys('endpoint_mode mode replicas'),
  labels: listOrDict,
  placement: map({ constraints: list(), max_replicas_per_node: S, preferences: list(map({ spread: S })) }),
  resources: map({
    limits: map(keys('cpus memory pids')),
    reservations: map({ ...keys('cpus memory'), devices: devicesRequest, generic_resources: list('any') }),
  }),
  restart_policy: map(keys('condition delay max_attempts window')),
  rollback_config: map(keys('delay failure_action max_failure_ratio monitor order parallelism')),
  update_config: map(keys('delay failure_action max_failure_ratio monitor order parallelism')),
});

const build = oneOf(
  S,
  map({
    ...keys('context dockerfile dockerfile_inline isolation network no_cache privileged provenance pull sbom shm_size target'),
    ...keys('cache_from cache_to entitlements platforms tags', list()),
    additional_contexts: listOrDict,
    args: listOrDict,
    ssh: oneOf(S, listOrDict),
    labels: listOrDict,
    extra_hosts: listOrDict,
    secrets: fileRefs,
    ulimits,
  }),
);

const serviceVolume = oneOf(
  S,
  map({
    ...keys('consistency read_only source target type'),
    bind: map(keys('create_host_path propagation recursive selinux')),
    volume: map({ nocopy: S, subpath: S, labels: listOrDict }),
    tmpfs: map(keys('mode size')),
    image: map({ subpath: S }),
  }),
);

const servicePort = oneOf(S, map(keys('app_protocol host_ip mode name protocol published target')));

const serviceNetworks = oneOf(
  list(),
  dict(
    oneOf(
      'any', // null: attach with no options
      map({ ...keys('gw_priority interface_name ipv4_address ipv6_address mac_address priority'), ...keys('aliases link_local_ips', list()), driver_opts: dict() }),
    ),
  ),
);

const dependsOn = oneOf(list(), dict(map(keys('condition required restart'))));

const serviceHook = map({ ...keys('privileged user working_dir'), command, environment: listOrDict });

export const SERVICE: Shape = map({
  ...keys(
    'attach cgroup cgroup_parent container_name cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset domainname hostname image init ipc isolation mac_address mem_limit mem_reservation mem_swappiness memswap_limit network_mode oom_kill_disable oom_score_adj pid pids_limit platform privileged pull_policy pull_refresh_after read_only restart runtime scale shm_size stdin_open stop_grace_period stop_signal tty use_api_socket user userns_mode uts working_dir',
  ),
  ...keys('cap_add cap_drop device_cgroup_rules dns_opt expose external_links group_add links profiles security_opt volumes_from', list()),
  annotations: listOrDict,
  blkio_config: 'any',
  build,
  command,
  configs: fileRefs,
  credential_spec: map(keys('config file registry')),
  depends_on: dependsOn,
  deploy,
  develop: 'any',
  devices: list(oneOf(S, map(keys('source target permissions')))),
  dns: stringOrList,
  dns_search: stringOrList,
  entrypoint: command,
  env_file: oneOf(S, list(oneOf(S, map(keys('path required format'))))),
  environment: listOrDict,
  extends: oneOf(S, map(keys('file service'))),
  extra_hosts: listOrDict,
  gpus: oneOf(S, devicesRequest),
  healthcheck,
  label_file: stringOrList,
  labels: listOrDict,
  logging: map({ driver: S, options: dict({ oneOf: [S, 'any'] }) }),
  models: 'any',
  networks: serviceNetworks,
  ports: list(servicePort),
  post_start: list(serviceHook),
  pre_stop: list(serviceHook),
  provider: map({ type: S, options: 'any' }),
  secrets: fileRefs,
  storage_opt: dict(),
  sysctls: listOrDict,
  tmpfs: stringOrList,
  ulimits,
  volumes: list(serviceVolume),
});

const NETWORK = oneOf(
  'any',
  map({
    ...keys('attachable driver enable_ipv4 enable_ipv6 internal name'),
    driver_opts: dict(),
    external: externalRef,
    ipam: map({ driver: S, options: dict(), config: list(map({ ...keys('gateway ip_range subnet'), aux_addresses: dict() })) }),
    labels: listOrDict,
  }),
);

const VOLUME = oneOf('any', map({ ...keys('driver name'), driver_opts: dict(), external: externalRef, labels: listOrDict }));
const SECRET = map({ ...keys('environment file name template_driver driver'), driver_opts: dict(), external: externalRef, labels: listOrDict });
const CONFIG = map({ ...keys('content environment file name template_driver'), external: externalRef, labels: listOrDict });

export const TOP_LEVEL: Shape = map({
  version: S,
  name: S,
  include: list(oneOf(S, map({ path: stringOrList, env_file: stringOrList, project_directory: S }))),
  services: dict(SERVICE),
  models: 'any',
  networks: dict(NETWORK),
  volumes: dict(VOLUME),
  secrets: dict(SECRET),
  configs: dict(CONFIG),
});
