// Pull (POST /images/create?fromImage=), push (POST /images/{name}/push) and POST /auth: the
// registry client streams docker's JSON progress messages, which go to the client as they come.
import type { Engine } from '../../daemon/engine.js';
import type { RequestContext, Router } from '../router.js';
import { sendJson } from '../server.js';
import { readJson } from '../request-body.js';
import { startJsonStream } from './images.js';
import { errorMessage, InvalidArgumentError } from '../../errors.js';
import { familiarString, parseReference, withDefaultTag, type Reference } from '../../oci/reference.js';
import { parsePlatform } from '../../oci/platform.js';
import { pullImage } from '../../registry/client/pull-image.js';
import { pushImage } from '../../registry/client/push-image.js';
import { login } from '../../registry/client/login.js';
import { decodeRegistryAuth, type AuthConfig } from '../../registry/client/auth-config.js';
import { errorProgressMessage } from '../../registry/client/progress-message.js';
import { SnapshotLayerSink } from '../../image/snapshot-layer-sink.js';
import { chainIds } from '../../image/layer-unpack.js';
import type { LayerRecord } from '../../image/image-store.js';
import type { Digest } from '../../oci/digest.js';

function authOf(ctx: RequestContext): AuthConfig | undefined {
  const h = ctx.req.headers['x-registry-auth'];
  return decodeRegistryAuth(Array.isArray(h) ? h[0] : h);
}

/** Pulls `ref` into the store; shared by the API route and implicit pulls. */
export async function pullIntoStore(engine: Engine, ref: Reference, o: { auth?: AuthConfig; platform?: string; onProgress?: (m: object) => void }): Promise<void> {
  const local = engine.images.store.find(familiarString(withDefaultTag(ref)));
  const sink = new SnapshotLayerSink(engine);
  const result = await pullImage({
    ref,
    store: engine.content,
    hosts: engine.registryHosts,
    layers: sink,
    ...(o.auth ? { auth: o.auth } : {}),
    ...(o.platform ? { platform: parsePlatform(o.platform) } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(local?.image.manifestDigest ? { localDigest: local.image.manifestDigest } : {}),
  });
  const diffIds = result.config.rootfs?.diff_ids ?? [];
  const chains = chainIds(diffIds);
  const layers: LayerRecord[] = diffIds.map((diffId: Digest, i: number) => {
    const desc = result.manifest.layers[i]!;
    const size = sink.sizes.get(diffId) ?? engine.images.store.list().flatMap((im) => im.layers).find((l) => l.diffId === diffId)?.size ?? desc.size;
    return { diffId, chainId: chains[i]!, size, blob: { digest: desc.digest, mediaType: desc.mediaType, size: desc.size } };
  });
  const repo = `${familiarString({ domain: result.ref.domain, path: result.ref.path })}@${result.digest}`;
  const rec = await engine.images.commitImage({ config: result.config, layers, manifestDigest: result.manifestDigest, repoDigests: [repo] });
  if (!result.ref.digest) engine.images.tagImage(rec.id, result.ref);
  engine.events.emit('image', 'pull', familiarString(result.ref), { name: familiarString(result.ref) });
}

export async function pullRoute(ctx: RequestContext, engine: Engine): Promise<void> {
  const q = ctx.query;
  const from = q.get('fromImage')!;
  const tag = q.get('tag');
  const ref = withDefaultTag(parseReference(tag && !from.includes('@') ? (/^sha256:/.test(tag) ? `${from}@${tag}` : `${from}:${tag}`) : from));
  const send = startJsonStream(ctx.res!);
  try {
    await pullIntoStore(engine, ref, { ...(authOf(ctx) ? { auth: authOf(ctx)! } : {}), ...(q.get('platform') ? { platform: q.get('platform')! } : {}), onProgress: send });
  } catch (err) {
    send(errorProgressMessage(err));
  }
  ctx.res!.end();
}

export async function pushRoute(ctx: RequestContext, engine: Engine): Promise<void> {
  const name = ctx.params.name!;
  const tag = ctx.query.get('tag');
  const ref = withDefaultTag(parseReference(tag ? `${name}:${tag}` : name));
  const image = engine.images.resolve(familiarString(ref));
  const send = startJsonStream(ctx.res!);
  try {
    const { digest } = await engine.images.ensureManifest(image);
    const res = await pushImage({
      ref,
      manifestDigest: digest,
      store: engine.content,
      hosts: engine.registryHosts,
      ...(authOf(ctx) ? { auth: authOf(ctx)! } : {}),
      onProgress: send,
      openLayer: (desc) => {
        const l = image.layers.find((x) => x.blob?.digest === desc.digest);
        if (!l) throw new InvalidArgumentError(`layer ${desc.digest} is not in this image`);
        return engine.images.openLayerTar(l);
      },
    });
    void res;
    const repoDigest = `${familiarString({ domain: ref.domain, path: ref.path })}@${digest}`;
    if (!image.repoDigests.includes(repoDigest)) {
      image.repoDigests.push(repoDigest);
      engine.images.store.put(image);
    }
    engine.events.emit('image', 'push', familiarString(ref), { name: familiarString(ref) });
  } catch (err) {
    send(errorProgressMessage(err));
  }
  ctx.res!.end();
}

export function authRoutes(r: Router, engine: Engine): void {
  r.add('POST', '/auth', async (ctx) => {
    const body = await readJson<AuthConfig>(ctx.req, false);
    try {
      const result = await login({ ...body!, hosts: engine.registryHosts } as Parameters<typeof login>[0]);
      sendJson(ctx.res!, 200, { Status: result.status ?? 'Login Succeeded', IdentityToken: result.identitytoken ?? '' });
    } catch (err) {
      const { UnauthorizedError } = await import('../../errors.js');
      throw err instanceof UnauthorizedError ? err : new UnauthorizedError(errorMessage(err));
    }
  });
}
