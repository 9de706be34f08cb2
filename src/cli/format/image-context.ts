// `images` rows: one per repository:tag (and per digest with --digests), as docker lists them.
import type { ImageSummary } from '../../client/types.js';
import { parseReference, familiarName } from '../../oci/reference.js';
import { HeaderContext } from './list-format.js';
import { goTimeString, humanSize, timeAgo } from './units.js';

export const IMAGE_HEADERS = new HeaderContext({
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE',
});

export const DEFAULT_IMAGES_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
export const DEFAULT_IMAGES_TABLE_WITH_DIGESTS = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

export class ImageContext {
  constructor(
    private readonly i: ImageSummary,
    private readonly repo: string,
    private readonly tag: string,
    private readonly digest: string,
    private readonly trunc: boolean,
    private readonly now = Date.now(),
  ) {}

  ID(): string {
    const hex = this.i.Id.startsWith('sha256:') ? this.i.Id.slice(7) : this.i.Id;
    return this.trunc ? hex.slice(0, 12) : this.i.Id;
  }
  Repository(): string {
    return this.repo;
  }
  Tag(): string {
    return this.tag;
  }
  Digest(): string {
    return this.digest;
  }
  CreatedSince(): string {
    return this.i.Created ? timeAgo(this.i.Created, this.now) : 'N/A';
  }
  CreatedAt(): string {
    return goTimeString(this.i.Created);
  }
  Size(): string {
    return humanSize(this.i.Size ?? 0, 3);
  }
  VirtualSize(): string {
    return humanSize(this.i.VirtualSize ?? this.i.Size ?? 0, 3);
  }
  SharedSize(): string {
    return this.i.SharedSize === undefined || this.i.SharedSize < 0 ? 'N/A' : humanSize(this.i.SharedSize);
  }
  UniqueSize(): string {
    return this.i.SharedSize === undefined || this.i.SharedSize < 0 ? 'N/A' : humanSize((this.i.Size ?? 0) - this.i.SharedSize);
  }
  Containers(): string {
    return this.i.Containers === undefined || this.i.Containers < 0 ? 'N/A' : String(this.i.Containers);
  }
  Labels(): string {
    const labels = this.i.Labels ?? {};
    return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  }
  Label(name: string): string {
    return this.i.Labels?.[name] ?? '';
  }

  toTemplateJSON(): Record<string, string> {
    return {
      Containers: this.Containers(), CreatedAt: this.CreatedAt(), CreatedSince: this.CreatedSince(), Digest: this.Digest(),
      ID: this.ID(), Repository: this.Repository(), SharedSize: this.SharedSize(), Size: this.Size(), Tag: this.Tag(),
      UniqueSize: this.UniqueSize(), VirtualSize: this.VirtualSize(),
    };
  }
}

function familiarRepoAndRest(ref: string): { repo: string; tag?: string; digest?: string } | undefined {
  try {
    const r = parseReference(ref);
    return { repo: familiarName(r), ...(r.tag !== undefined ? { tag: r.tag } : {}), ...(r.digest !== undefined ? { digest: r.digest } : {}) };
  } catch {
    return undefined;
  }
}

/** Expands image summaries into rows the way docker's `images` does. */
export function imageRows(images: readonly ImageSummary[], showDigests: boolean, trunc: boolean, now = Date.now()): ImageContext[] {
  const rows: ImageContext[] = [];
  for (const img of images) {
    const tags = new Map<string, string[]>();
    const digests = new Map<string, string[]>();
    for (const t of img.RepoTags ?? []) {
      const r = familiarRepoAndRest(t);
      if (!r || r.tag === undefined) continue;
      tags.set(r.repo, [...(tags.get(r.repo) ?? []), r.tag]);
    }
    for (const d of img.RepoDigests ?? []) {
      const r = familiarRepoAndRest(d);
      if (!r || r.digest === undefined) continue;
      digests.set(r.repo, [...(digests.get(r.repo) ?? []), r.digest]);
    }
    for (const [repo, repoTags] of tags) {
      const ds = showDigests ? digests.get(repo) ?? [] : [];
      digests.delete(repo);
      for (const tag of repoTags) {
        if (ds.length === 0) rows.push(new ImageContext(img, repo, tag, '<none>', trunc, now));
        else for (const d of ds) rows.push(new ImageContext(img, repo, tag, d, trunc, now));
      }
    }
    for (const [repo, ds] of digests) {
      if (showDigests) for (const d of ds) rows.push(new ImageContext(img, repo, '<none>', d, trunc, now));
      else rows.push(new ImageContext(img, repo, '<none>', '<none>', trunc, now));
    }
    if (tags.size === 0 && digests.size === 0) {
      rows.push(new ImageContext(img, '<none>', '<none>', '<none>', trunc, now));
    }
  }
  return rows;
}

/** The row `system df -v` shows for an image: its first tag only, `<none>` when dangling. */
export function diskUsageImageRow(img: ImageSummary, trunc: boolean, now = Date.now()): ImageContext {
  const first = (img.RepoTags ?? []).find((t) => t !== '<none>:<none>');
  const r = first ? familiarRepoAndRest(first) : undefined;
  return r && r.tag !== undefined ? new ImageContext(img, r.repo, r.tag, '', trunc, now) : new ImageContext(img, '<none>', '<none>', '', trunc, now);
}
