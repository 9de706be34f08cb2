// The model's entry point: files → ComposeProject (see project.ts for the shape). Each file is
// parsed with positions, interpolated, checked against the spec and canonicalized on its own;
// then the files merge, extends resolve, services normalize, profiles apply and depends_on is
// checked. Every failure names file, line and key.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isErrno, NotFoundError } from '../../errors.js';
import { applyProfiles, DependsOnMissingError, profilesFrom } from './apply-profiles.js';
import { canonicalizeServices } from './canonical-service.js';
import { ComposeFileError, ComposeValueError, type SourcePosition } from './compose-file-error.js';
import { parseComposeSource, positionOf, type ComposeSource } from './compose-source.js';
import { DependencyCycleError, dependencyOrder } from './dependency-order.js';
import { discoverFiles } from './discover-files.js';
import { readEnvFile } from './env-file.js';
import { interpolateSource, type Lookup } from './interpolate.js';
import { mergeProjects } from './merge-files.js';
import { normalizeService, ServiceValueError } from './normalize-service.js';
import type { ComposeProject, LoadOptions, ServiceConfig } from './project.js';
import { resolveProjectName } from './project-name.js';
import { resolveExtends } from './resolve-extends.js';
import { buildFileObjects, buildNetworks, buildVolumes, ResourceValueError } from './top-level-resources.js';
import { validateSource } from './validate-source.js';

type Raw = Record<string, unknown>;

/** Loads, interpolates, validates, merges and normalizes a project. Errors are InvalidArgumentError naming file, line and key. */
export async function loadProject(options: LoadOptions = {}): Promise<ComposeProject> {
  const processEnv = options.environment ?? process.env;
  const warn = options.onWarning ?? (() => {});
  const workingDir = resolve(options.workingDir ?? process.cwd());
  const files = discoverFiles(options.files ?? [], workingDir, processEnv);
  const projectDir = options.projectDirectory ? resolve(workingDir, options.projectDirectory) : files[0] === '-' ? workingDir : dirname(files[0]!);

  const environment = await projectEnvironment(options.envFiles, projectDir, workingDir, processEnv);
  const lookup: Lookup = (n) => environment[n];
  const sources = new Map<string, ComposeSource>();
  const load = async (file: string, baseDir: string): Promise<ComposeSource> => {
    const source = parseComposeSource(file, await readComposeFile(file, options.stdin));
    if (options.interpolate !== false) interpolateSource(source, lookup, warn);
    validateSource(source);
    canonicalizeServices(source, baseDir);
    sources.set(file, source);
    return source;
  };
  let merged: Raw = {};
  for (const file of files) merged = mergeProjects(merged, (await load(file, projectDir)).data);

  const locate = (path: string): SourcePosition => {
    const all = [...sources.values()].reverse();
    return positionOf(all.find((s) => s.lines.has(path)) ?? all.find((s) => s.lines.has(path.split('.').slice(0, 2).join('.'))) ?? all[0]!, path);
  };
  const servicesOf = async (file: string): Promise<Record<string, Raw>> =>
    (((sources.get(file) ?? (await load(file, dirname(file)))).data.services as Record<string, Raw> | undefined) ?? {});
  const rawServices = await resolveExtends((merged.services as Record<string, Raw> | undefined) ?? {}, files[0]!, servicesOf, (f, p) =>
    sources.has(f) && f !== files[0] ? positionOf(sources.get(f)!, p) : locate(p),
  );

  const name = resolveProjectName({ flag: options.projectName, env: processEnv.COMPOSE_PROJECT_NAME, fileName: merged.name as string | undefined, projectDir });
  environment.COMPOSE_PROJECT_NAME ??= name;

  const all: Record<string, ServiceConfig> = {};
  for (const [svcName, raw] of Object.entries(rawServices)) {
    try {
      all[svcName] = await normalizeService(svcName, raw, lookup);
    } catch (err) {
      if (err instanceof ServiceValueError) throw at(locate, `services.${svcName}.${err.key}`, err.message);
      throw err;
    }
  }
  const profiles = profilesFrom(options.profiles, processEnv.COMPOSE_PROFILES ?? environment.COMPOSE_PROFILES);
  let split;
  try {
    split = applyProfiles(all, profiles, warn);
  } catch (err) {
    if (err instanceof DependsOnMissingError) throw at(locate, `services.${err.service}.depends_on.${err.dependency}`, err.message);
    throw err;
  }
  try {
    dependencyOrder(split.enabled);
  } catch (err) {
    if (err instanceof DependencyCycleError) throw at(locate, `services.${err.cycle[0]}.depends_on.${err.cycle[1]}`, err.message);
    throw err;
  }
  let project: ComposeProject;
  try {
    project = {
      name,
      workingDir: projectDir,
      configFiles: files,
      environment,
      services: split.enabled,
      networks: buildNetworks(name, merged.networks as Record<string, Raw | null>, split.enabled),
      volumes: buildVolumes(name, merged.volumes as Record<string, Raw | null>, split.enabled),
      secrets: buildFileObjects(name, 'secrets', merged.secrets as Record<string, Raw>, projectDir),
      configs: buildFileObjects(name, 'configs', merged.configs as Record<string, Raw>, projectDir),
      disabledServices: split.disabled,
    };
  } catch (err) {
    if (err instanceof ResourceValueError) throw at(locate, err.key, err.message);
    throw err;
  }
  const ext = Object.fromEntries(Object.entries(merged).filter(([k]) => k.startsWith('x-')));
  if (Object.keys(ext).length > 0) project.extensions = ext;
  return project;
}

function at(locate: (path: string) => SourcePosition, path: string, message: string): ComposeFileError {
  return new ComposeFileError(locate(path), path, message);
}

/** The process environment over the .env (or --env-file) values: the shell always wins, as in compose. */
async function projectEnvironment(envFiles: string[] | undefined, projectDir: string, workingDir: string, processEnv: Record<string, string | undefined>): Promise<Record<string, string>> {
  const shell: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) shell[k] = v;
  const fromFiles: Record<string, string> = {};
  const lookup: Lookup = (n) => shell[n] ?? fromFiles[n];
  const list = envFiles && envFiles.length > 0 ? envFiles.map((f) => ({ path: resolve(workingDir, f), optional: false })) : [{ path: join(projectDir, '.env'), optional: true }];
  for (const { path, optional } of list) {
    const vars = await readEnvFile(path, lookup, optional);
    for (const [k, v] of Object.entries(vars ?? {})) if (v !== null) fromFiles[k] = v;
  }
  return { ...fromFiles, ...shell };
}

async function readComposeFile(file: string, stdin: (() => Promise<string>) | undefined): Promise<string> {
  if (file === '-') {
    if (!stdin) throw new ComposeValueError('reading a compose file from stdin is not available here');
    return stdin();
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new NotFoundError(`open ${file}: no such file or directory`);
    throw err;
  }
}
