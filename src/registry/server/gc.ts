// `berth registry gc`: removes blobs no manifest references, safely beside a running server.
//   1. in one transaction, choose unreferenced blobs untouched for the grace period and mark them
//      DELETING (a server committing the same digest waits; a manifest push referencing them now
//      fails cleanly with MANIFEST_BLOB_UNKNOWN instead of pointing at a vanishing file);
//   2. unlink their files; 3. drop their rows and repository links.
// Files no row knows (left by a crash between rename and row) go the same way once old enough.
// Upload sessions are never collected while active: only those idle past `uploadMaxIdleMs`.
import { unlink } from 'node:fs/promises';
import type { Digest } from '../../oci/digest.js';
import { UploadSessions } from './uploads.js';
import { RegistryStorage, listBlobFiles } from './storage.js';

export interface GcOptions {
  dryRun: boolean;
  graceMs: number;
  uploadMaxIdleMs: number;
}

export interface GcReport {
  blobs: Array<{ digest: Digest; size: number }>;
  bytes: number;
  orphanFiles: number;
  uploads: number;
  ingestFiles: number;
}

const UNREFERENCED = `
  SELECT digest, size FROM blobs b
  WHERE state = 0 AND touched < ?
    AND NOT EXISTS (SELECT 1 FROM manifest_refs r WHERE r.digest = b.digest)
    AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.digest = b.digest)`;

export async function collectGarbage(root: string, opts: GcOptions): Promise<GcReport> {
  const storage = await RegistryStorage.open(root);
  try {
    return await collect(storage, opts);
  } finally {
    storage.close();
  }
}

async function collect(storage: RegistryStorage, opts: GcOptions): Promise<GcReport> {
  const db = storage.meta.db;
  const cutoff = Date.now() - opts.graceMs;
  const report: GcReport = { blobs: [], bytes: 0, orphanFiles: 0, uploads: 0, ingestFiles: 0 };

  const mark = db.transaction((): Array<{ digest: Digest; size: number }> => {
    const rows = db.prepare(UNREFERENCED).all(cutoff) as Array<{ digest: Digest; size: number }>;
    if (!opts.dryRun) {
      const upd = db.prepare('UPDATE blobs SET state = 1 WHERE digest = ? AND state = 0');
      for (const r of rows) upd.run(r.digest);
    }
    return rows;
  });
  const chosen = mark.immediate();
  report.blobs = chosen;
  report.bytes = chosen.reduce((n, b) => n + b.size, 0);

  // Files without a row: adopt them as DELETING in the same way, so a concurrent commit waits.
  const known = db.prepare('SELECT 1 FROM blobs WHERE digest = ?');
  const orphans = (await listBlobFiles(storage.content)).filter((f) => f.mtimeMs < cutoff && known.get(f.digest) === undefined);
  report.orphanFiles = orphans.length;
  if (opts.dryRun) {
    report.uploads = storage.meta.staleUploads(Date.now() - opts.uploadMaxIdleMs).length;
    return report;
  }
  const adopt = db.prepare('INSERT OR IGNORE INTO blobs (digest, size, state, touched) VALUES (?, 0, 1, 0)');
  const adopted = db.transaction(() => orphans.filter((o) => adopt.run(o.digest).changes > 0)).immediate();

  for (const b of [...chosen, ...adopted]) await unlink(storage.content.blobPath(b.digest)).catch(() => undefined);
  db.transaction(() => {
    const delLinks = db.prepare('DELETE FROM repo_blobs WHERE digest = ?');
    const delRow = db.prepare('DELETE FROM blobs WHERE digest = ? AND state = 1');
    for (const b of [...chosen, ...adopted]) {
      delLinks.run(b.digest);
      delRow.run(b.digest);
    }
  }).immediate();

  report.uploads = await new UploadSessions(storage, 0).purgeIdle(opts.uploadMaxIdleMs);
  report.ingestFiles = await storage.content.cleanStaleIngests(opts.uploadMaxIdleMs);
  return report;
}
