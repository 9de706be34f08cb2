// POST /build and POST /build/prune: the context tar unpacked into a scratch directory, the build
// run, and its progress streamed as the classic builder's JSON messages, so `DOCKER_BUILDKIT=0
// docker build` works unchanged against berthd.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../router.js';
import { sendJson } from '../server.js';
import { boolParam } from '../request-body.js';
import { startJsonStream } from './images.js';
import { pullIntoStore } from './registry.js';
import { InvalidArgumentError, errorMessage, isErrno } from '../../errors.js';
import { parseReference, type Reference } from '../../oci/reference.js';
import { parsePlatform } from '../../oci/platform.js';
import { shortId } from '../../oci/digest.js';
import { type AuthConfig, registryDomainOf, resolveAuth } from '../../registry/client/auth-config.js';
import { BuildService, BuildStepError } from '../../build/build-service.js';
import type { BuildEvent } from '../../build/build-progress.js';
import { applyDockerignore } from '../../build/apply-dockerignore.js';
import { fetchRemoteContext } from '../../build/remote-context.js';
import { traceSpan } from '../../build/build-trace.js';
import { ClassicMessages } from '../../build/classic-messages.js';
import { PlainMessages } from '../../build/plain-messages.js';
import { ReceivedContext } from '../../build/context/received-context.js';
import { requestFeed } from '../../build/request-feed.js';
import { DockerfileError, formatErrorExcerpt } from '../../build/dockerfile/mod.js';

const services = new WeakMap<Engine, BuildService>();

/**
 * `X-Registry-Config`: base64 JSON of registry address → AuthConfig, every credential the CLI has
 * (the classic builder pulls base images with them).
 */
function registryConfig(header: string | string[] | undefined): Map<string, AuthConfig> {
  const out = new Map<string, AuthConfig>();
  const h = Array.isArray(header) ? header[0] : header;
  if (!h) return out;
  try {
    const obj = JSON.parse(Buffer.from(h.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as Record<string, AuthConfig>;
    for (const [addr, auth] of Object.entries(obj ?? {})) if (auth && typeof auth === 'object') out.set(registryDomainOf(addr), resolveAuth(auth));
  } catch {
    // unreadable credentials: pull anonymously, as docker would fail later with a clear error
  }
  return out;
}

/** The engine's builder (made on first use: its tables live in the engine's database). */
export function buildServiceOf(engine: Engine): BuildService {
  let s = services.get(engine);
  if (!s) {
    // Credentials belong to a request; the pull hook reads them from the build's options.
    s = new BuildService({
      db: engine.db,
      images: engine.images,
      snapshots: engine.snapshots,
      runtime: engine.containers.deps.runtime,
      cgroupParent: engine.config.cgroupParent,
      stateDir: join(engine.config.dataRoot, 'build'),
      // RUN steps join networks as containers do (docker's builder runs them on the default bridge).
      network: {
        async attach(id, mode, filesDir) {
          const r = await engine.networks.attachContainer({ id, name: id, hostname: 'buildkitsandbox', hostConfig: { NetworkMode: mode }, filesDir });
          const userns = r.netnsPath ? engine.networks.usernsOf(r.netnsPath) : undefined;
          return {
            netns: r.netnsPath ? { path: r.netnsPath, ...(userns ? { userns } : {}) } : r.mode === 'host' ? 'host' : 'none',
            mounts: [
              { type: 'bind', source: r.files.resolvConf, destination: '/etc/resolv.conf', readOnly: true },
              { type: 'bind', source: r.files.hostname, destination: '/etc/hostname', readOnly: true },
              { type: 'bind', source: r.files.hosts, destination: '/etc/hosts', readOnly: true },
            ],
          };
        },
        detach: (id) => engine.networks.detachContainer(id),
      },
      pull: async (ref, report, auths) => {
        report({ type: 'message', text: `Pulling ${ref}` });
        const parsed = parseReference(ref);
        const auth = auths?.get(parsed.domain) as AuthConfig | undefined;
        await pullIntoStore(engine, parsed, auth ? { auth } : {});
      },
    });
    services.set(engine, s);
  }
  return s;
}

/** Build cache records for `GET /system/df`'s BuildCache list. */
export function buildCacheUsage(engine: Engine): ReturnType<BuildService['usage']> {
  return buildServiceOf(engine).usage();
}

function jsonParam(q: URLSearchParams, name: string): Record<string, string> {
  const v = q.get(name);
  if (!v) return {};
  try {
    const obj = JSON.parse(v) as Record<string, string | null>;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(obj)) if (val !== null && val !== undefined) out[k] = String(val);
    return out;
  } catch {
    throw new InvalidArgumentError(`invalid ${name} parameter: ${v}`);
  }
}

async function readDockerfile(context: ReceivedContext | string, name: string): Promise<Buffer> {
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    if (typeof context !== 'string') {
      const data = await context.readFile(candidate);
      if (data) return data;
      continue;
    }
    try {
      return await readFile(join(context, candidate));
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${name}`);
}

export function buildRoutes(r: Router, engine: Engine): void {
  r.add('POST', '/build', async (ctx) => {
    const q = ctx.query;
    const tags: Reference[] = q.getAll('t').flatMap((t) => t.split(',')).filter(Boolean).map((t) => parseReference(t));
    const quiet = boolParam(q, 'q');
    const dfName = q.get('dockerfile') || 'Dockerfile';
    // A Dockerfile the CLI added from outside the context has a private name: messages say Dockerfile.
    const dfShown = dfName.startsWith('.dockerfile.') ? 'Dockerfile' : dfName;
    const platform = q.get('platform') ? parsePlatform(q.get('platform')!) : undefined;
    const buildArgs = jsonParam(q, 'buildargs');
    const labels = jsonParam(q, 'labels');
    const builder = buildServiceOf(engine);
    await builder.init();
    const tmpRoot = join(engine.config.dataRoot, 'build', 'tmp');
    await mkdir(tmpRoot, { recursive: true });
    const ctxDir = await mkdtemp(join(tmpRoot, 'context-'));
    const send = startJsonStream(ctx.res!);
    // A client that goes away (Ctrl-C) cancels the build.
    const cancel = new AbortController();
    ctx.res!.once('close', () => {
      if (!ctx.res!.writableFinished) cancel.abort();
    });
    const out = (text: string): void => {
      if (!quiet) send({ stream: text });
    };
    let dockerfileText = '';
    let plainMode = false;
    let received: ReceivedContext | undefined;
    try {
      const tUnpack = traceSpan('context');
      const remote = q.get('remote');
      if (remote) {
        ctx.req.resume();
        await fetchRemoteContext(remote, ctxDir, tmpRoot);
      } else received = await ReceivedContext.receive(requestFeed(ctx.req), ctxDir);
      tUnpack(received?.onDisk === false ? '(in memory)' : '');
      const tIgnore = traceSpan('dockerignore');
      const df = await readDockerfile(received ?? ctxDir, dfName);
      await applyDockerignore(received ?? ctxDir, dfName);
      tIgnore();
      const tBuild = traceSpan('build');
      dockerfileText = df.toString('utf8');
      // berth's own CLI asks for BuildKit's plain progress (`progress=plain`); docker gets the classic text.
      const plain = q.get('progress') === 'plain' ? new PlainMessages(out) : undefined;
      const printer = plain ? { event: (ev: BuildEvent) => plain.event(ev), flush: () => undefined } : new ClassicMessages(out);
      plainMode = plain !== undefined;
      const onEvent = (ev: BuildEvent): void => printer.event(ev);
      const result = await builder.build(
        {
          contextDir: ctxDir,
          ...(received ? { context: received } : {}),
          dockerfile: df,
          dockerfileName: dfShown,
          buildArgs,
          labels,
          ...(q.get('target') ? { target: q.get('target')! } : {}),
          tags,
          noCache: boolParam(q, 'nocache'),
          pull: boolParam(q, 'pull'),
          ...(platform ? { platform } : {}),
          // berth's CLI passes --build-context and --secret as paths on this host (the daemon is local).
          buildContexts: jsonParam(q, 'berth.buildcontexts'),
          secrets: jsonParam(q, 'berth.secrets'),
          signal: cancel.signal,
          registryAuth: registryConfig(ctx.req.headers['x-registry-config']),
          ...(q.get('networkmode') ? { networkMode: q.get('networkmode')! } : {}),
        },
        onEvent,
      ).finally(() => printer.flush());
      tBuild();
      if (result.unusedBuildArgs.length) out(`[Warning] One or more build-args [${result.unusedBuildArgs.join(' ')}] were not consumed\n`);
      send({ aux: { ID: result.imageId } });
      if (quiet) send({ stream: `${result.imageId}\n` });
      if (plainMode) {
        out(`writing image ${result.imageId} done\n`);
        for (const t of result.tags) out(`naming to ${t} done\n`);
      } else {
        out(`Successfully built ${shortId(result.imageId)}\n`);
        for (const t of result.tags) out(`Successfully tagged ${t}\n`);
      }
    } catch (err) {
      const message = errorMessage(err);
      if (err instanceof BuildStepError) {
        const excerpt = formatErrorExcerpt({ file: dfShown, line: err.step.line }, dockerfileText);
        if (excerpt) send({ stream: `${excerpt}\n` });
        send({ errorDetail: { ...(err.exitCode !== undefined ? { code: err.exitCode } : {}), message }, error: message });
      } else if (err instanceof DockerfileError) {
        const loc = err as DockerfileError & { file?: string; line?: number; endLine?: number };
        const excerpt = loc.line ? formatErrorExcerpt({ file: dfShown, line: loc.line, ...(loc.endLine ? { endLine: loc.endLine } : {}) }, dockerfileText) : '';
        if (excerpt) send({ stream: `${excerpt}\n` });
        send({ errorDetail: { message }, error: message });
      } else {
        send({ errorDetail: { message }, error: message });
      }
    } finally {
      // The client has its answer before the scratch context goes.
      ctx.res!.end();
      await rm(ctxDir, { recursive: true, force: true }).catch(() => undefined);
    }
  });

  r.add('POST', '/build/prune', async (ctx) => {
    const { deleted, spaceReclaimed } = await buildServiceOf(engine).prune({ all: boolParam(ctx.query, 'all') });
    sendJson(ctx.res!, 200, { CachesDeleted: deleted.map((k) => k.slice('sha256:'.length, 'sha256:'.length + 25)), SpaceReclaimed: spaceReclaimed });
  });
}
