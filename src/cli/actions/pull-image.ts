// Pulls an image with docker's progress display (the daemon does the work; this shows it).
import type { Writable } from 'node:stream';
import type { ApiClient } from '../../client/api-client.js';
import { pullImage } from '../../client/images.js';
import { familiarName, formatReference, parseReference, withDefaultTag } from '../../oci/reference.js';
import { displayProgressStream } from '../progress/json-progress.js';
import { registryAuthFor } from './registry-auth.js';

export interface PullOptions {
  platform?: string;
  quiet?: boolean;
  allTags?: boolean;
  configDir?: string;
}

/** Returns the fully-qualified reference pulled. */
export async function pullWithProgress(client: ApiClient, image: string, out: Writable & { isTTY?: boolean }, o: PullOptions = {}): Promise<string> {
  const ref = o.allTags ? parseReference(image) : withDefaultTag(parseReference(image));
  const tag = ref.digest ?? ref.tag;
  const auth = await registryAuthFor(image, o.configDir);
  const res = await pullImage(client, { fromImage: familiarName(ref), ...(tag && !o.allTags ? { tag } : {}), ...(o.platform ? { platform: o.platform } : {}) }, auth);
  if (o.quiet) {
    const { readJsonStream } = await import('../../client/json-stream.js');
    const { StreamError } = await import('../progress/json-progress.js');
    for await (const msg of readJsonStream<{ error?: string; errorDetail?: { message?: string } }>(res)) {
      if (msg.error || msg.errorDetail) throw new StreamError(msg.errorDetail?.message ?? msg.error!);
    }
  } else {
    await displayProgressStream(res, out);
  }
  return formatReference(ref);
}
