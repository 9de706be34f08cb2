// One real registry per describe block: started before its tests, removed after them with the
// block's scratch directory, plus fresh content stores and layer sinks to push from and pull into.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalContentStore } from '../../src/content/local-store.js';
import { RegistryHosts } from '../../src/registry/client/index.js';
import type { RegistryProcess } from './registry-process.js';
import { DirLayerSink } from './dir-layer-sink.js';

export interface RegistryFixture {
  readonly work: string;
  readonly registry: RegistryProcess;
  readonly hosts: RegistryHosts;
  /** A new, empty store and sink under the scratch directory. */
  fresh(name?: string): Promise<{ store: LocalContentStore; sink: DirLayerSink }>;
}

/** Registers the block's before/after hooks around `registry`. */
export function useRegistry(prefix: string, registry: RegistryProcess): RegistryFixture {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const hosts = new RegistryHosts();
  let n = 0;
  before(() => registry.start());
  after(async () => {
    await hosts.close();
    await registry.cleanup();
    rmSync(work, { recursive: true, force: true });
  });
  return {
    work,
    registry,
    hosts,
    async fresh(name = `s${n++}`) {
      const dir = join(work, name);
      return { store: await new LocalContentStore(join(dir, 'content')).init(), sink: new DirLayerSink(join(dir, 'layers')) };
    },
  };
}
