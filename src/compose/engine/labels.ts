// compose v2's labels: what marks a container, network or volume as part of a project, so that
// berth compose, docker compose and docker-compose 1.x all recognise each other's resources.
export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
export const CONFIG_HASH_LABEL = 'com.docker.compose.config-hash';
export const CONTAINER_NUMBER_LABEL = 'com.docker.compose.container-number';
export const VOLUME_LABEL = 'com.docker.compose.volume';
export const NETWORK_LABEL = 'com.docker.compose.network';
export const WORKING_DIR_LABEL = 'com.docker.compose.project.working_dir';
export const CONFIG_FILES_LABEL = 'com.docker.compose.project.config_files';
export const ENVIRONMENT_FILE_LABEL = 'com.docker.compose.project.environment_file';
export const ONEOFF_LABEL = 'com.docker.compose.oneoff';
export const SLUG_LABEL = 'com.docker.compose.slug';
export const IMAGE_DIGEST_LABEL = 'com.docker.compose.image';
export const DEPENDENCIES_LABEL = 'com.docker.compose.depends_on';
export const VERSION_LABEL = 'com.docker.compose.version';
export const REPLACE_LABEL = 'com.docker.compose.replace';

/** The compose version berth writes in `com.docker.compose.version` (the v2 line it follows). */
export const COMPOSE_VERSION = '2.39.0';

/** `filters` for the containers (or networks, volumes) of one project. */
export function projectFilter(project: string, ...more: string[]): { label: string[] } {
  return { label: [`${PROJECT_LABEL}=${project}`, ...more] };
}

/** `filters` for one service's containers, one-off (`run`) containers excluded unless asked. */
export function serviceFilter(project: string, service: string, oneoff = false): { label: string[] } {
  return projectFilter(project, `${SERVICE_LABEL}=${service}`, `${ONEOFF_LABEL}=${oneoff ? 'True' : 'False'}`);
}

/**
 * The `depends_on` label value: `svc:condition:restart` joined by commas, as compose v2 writes it
 * (compose reads it back when `down` runs without the file).
 */
export function dependenciesLabel(dependsOn: Readonly<Record<string, { condition: string; restart?: boolean }>>): string {
  return Object.entries(dependsOn)
    .map(([name, d]) => `${name}:${d.condition}:${d.restart === true}`)
    .join(',');
}
