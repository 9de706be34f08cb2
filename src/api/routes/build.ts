// POST /build and POST /build/prune: the context tar unpacked into a scratch directory, the build
// run, and its progress streamed as the classic builder's JSON messages, so `DOCKER_BUILDKIT=0
// docker build` works unchanged against berthd.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine } from '../../daemon/engine.js';
import type { Router } from '../http/router.js';
import { sendJson } from '../http/responses.js';
import { boolParam, jsonParam } from '../http/request-body.js';
import { startJsonStream } from '../http/json-stream.js';
import { errorMessage, InvalidArgumentError } from '../../errors.js';
import { parseReference, type Reference } from '../../oci/reference.js';
import { parsePlatform } from '../../oci/platform.js';
import { shortId } from '../../oci/digest.js';
import { type AuthConfig, registryDomainOf, resolveAuth } from '../../registry/client/auth-config.js';
import { BuildStepError } from '../../build/build-service.js';
import type { BuildEvent } from '../../build/build-progress.js';
import { applyDockerignore } from '../../build/apply-dockerignore.js';
import { readDockerfile } from '../../build/read-dockerfile.js';
import { fetchRemoteContext } from '../../build/remote-context.js';
import { traceSpan } from '../../build/build-trace.js';
import { ClassicMessages } from '../../build/classic-messages.js';
import { PlainMessages } from '../../build/plain-messages.js';
import { ReceivedContext } from '../../build/context/received-context.js';
import { requestFeed } from '../../build/request-feed.js';
import { DockerfileError, formatErrorExcerpt } from '../../build/dockerfile/mod.js';
import { buildCacheKeep } from '../../build/build-cache-filters.js';
import { FilterArgs } from '../../filters/mod.js';

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

/** Parameters a daemon without experimental features and on Linux refuses, as dockerd does. */
function refuseUnsupported(q: URLSearchParams): void {
  if (boolParam(q, 'squash')) throw new InvalidArgumentError('squash is only supported with experimental mode');
  const isolation = q.get('isolation');
  if (isolation && isolation.toLowerCase() !== 'default') throw new InvalidArgumentError(`Unsupported isolation: ${JSON.stringify(isolation)}`);
}

/** `cachefrom`: a JSON array of image references. */
function cacheFromParam(value: string): string[] {
  let refs: unknown;
  try {
    refs = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`invalid cachefrom parameter: ${value}`);
  }
  if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) throw new InvalidArgumentError(`invalid cachefrom parameter: ${value}`);
  return refs;
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
    try {
      refuseUnsupported(q);
    } catch (err) {
      ctx.req.resume(); // the context is not read: let the client finish sending it
      throw err;
    }
    const builder = engine.builds;
    await builder.init();
    const tmpRoot = join(engine.config.dataRoot, 'build', 'tmp');
    await mkdir(tmpRoot, { recursive: true });
    const ctxDir = await mkdtemp(join(tmpRoot, 'context-'));
    // docker's classic builder sends an error before its first message as an HTTP error (a bad
    // Dockerfile, a missing target: 400), so the stream starts with the first message. berth's own
    // CLI (progress=plain) reads every error from the stream, with the Dockerfile excerpt.
    const plainProgress = q.get('progress') === 'plain';
    let stream: ((msg: object) => void) | undefined;
    const send = (msg: object): void => {
      stream ??= startJsonStream(ctx.res!);
      stream(msg);
    };
    if (plainProgress) stream = startJsonStream(ctx.res!);
    // A client that goes away (Ctrl-C) cancels the build.
    const cancel = new AbortController();
    ctx.res!.once('close', () => {
      if (!ctx.res!.writableFinished) cancel.abort();
    });
    const out = (text: string): void => {
      if (!quiet) send({ stream: text });
    };
    let dockerfileText = '';
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
      const plain = plainProgress ? new PlainMessages(out) : undefined;
      const printer = plain ? { event: (ev: BuildEvent) => plain.event(ev), flush: () => undefined } : new ClassicMessages(out);
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
          ...(q.get('cachefrom') ? { cacheFrom: cacheFromParam(q.get('cachefrom')!) } : {}),
          extraHosts: q.getAll('extrahosts').filter(Boolean),
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
      // docker's quiet build sends the ID alone; berth's CLI reads it from aux.
      if (!quiet || plainProgress) send({ aux: { ID: result.imageId } });
      if (quiet) send({ stream: `${result.imageId}\n` });
      if (plainProgress) {
        out(`writing image ${result.imageId} done\n`);
        for (const t of result.tags) out(`naming to ${t} done\n`);
      } else {
        out(`Successfully built ${shortId(result.imageId)}\n`);
        for (const t of result.tags) out(`Successfully tagged ${t}\n`);
      }
    } catch (err) {
      if (!stream) throw err;
      const message = errorMessage(err);
      if (plainProgress && err instanceof BuildStepError) {
        const excerpt = formatErrorExcerpt({ file: dfShown, line: err.step.line }, dockerfileText);
        if (excerpt) send({ stream: `${excerpt}\n` });
      } else if (plainProgress && err instanceof DockerfileError) {
        const loc = err as DockerfileError & { file?: string; line?: number; endLine?: number };
        const excerpt = loc.line ? formatErrorExcerpt({ file: dfShown, line: loc.line, ...(loc.endLine ? { endLine: loc.endLine } : {}) }, dockerfileText) : '';
        if (excerpt) send({ stream: `${excerpt}\n` });
      }
      const code = err instanceof BuildStepError ? err.exitCode : undefined;
      send({ errorDetail: { ...(code !== undefined ? { code } : {}), message }, error: message });
    } finally {
      // The client has its answer before the scratch context goes.
      if (stream) ctx.res!.end();
      await rm(ctxDir, { recursive: true, force: true }).catch(() => undefined);
    }
  });

  r.add('POST', '/build/prune', async (ctx) => {
    const keep = buildCacheKeep(FilterArgs.parse(ctx.query.get('filters')));
    const { deleted, spaceReclaimed } = await engine.builds.prune({ all: boolParam(ctx.query, 'all'), keep });
    sendJson(ctx.res!, 200, { CachesDeleted: deleted.map((k) => k.slice('sha256:'.length, 'sha256:'.length + 25)), SpaceReclaimed: spaceReclaimed });
  });
}
