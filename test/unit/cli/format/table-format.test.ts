import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignColumns } from '../../../../src/cli/format/tabwriter.js';
import { bytesSize, ellipsis, humanDuration, humanSize, parseRamSize, timeAgo } from '../../../../src/cli/format/units.js';
import { formatPorts } from '../../../../src/cli/format/ports.js';
import { formatPortBindings } from '../../../../src/cli/format/port-bindings.js';
import { renderList, resolveFormat } from '../../../../src/cli/format/list-format.js';
import { CONTAINER_HEADERS, ContainerContext, DEFAULT_PS_TABLE } from '../../../../src/cli/format/container-context.js';
import { DEFAULT_IMAGES_TABLE, DEFAULT_IMAGES_TABLE_WITH_DIGESTS, IMAGE_HEADERS, imageRows } from '../../../../src/cli/format/image-context.js';
import type { ContainerSummary, ImageSummary } from '../../../../src/client/types.js';

describe('tabwriter (docker settings: minwidth 10, padding 3)', () => {
  it('pads columns to the widest cell plus 3, at least 10, last cell unpadded', () => {
    assert.equal(alignColumns('CONTAINER ID\tIMAGE\tNAMES\n'), 'CONTAINER ID   IMAGE     NAMES\n');
    assert.equal(alignColumns('a\tb\tc\nlonger-value\tx\ty\n'), 'a              b         c\nlonger-value   x         y\n');
  });
  it('aligns each column block separately, like Go', () => {
    assert.equal(alignColumns('a\tb\nno tabs here\nccc\td\n'), 'a         b\nno tabs here\nccc       d\n');
  });
  it('counts characters, not bytes', () => {
    assert.equal(alignColumns('é\tx\nab\ty\n'), 'é         x\nab        y\n');
    // A character outside the BMP is one (a surrogate pair in JS), a lone surrogate one too.
    assert.equal(alignColumns('\u{1F600}\tx\n\uD800\ty\n'), '\u{1F600}         x\n\uD800         y\n');
  });
});

describe('units', () => {
  it('sizes in decimal units with docker precision', () => {
    assert.equal(humanSize(4262000, 3), '4.26MB');
    assert.equal(humanSize(0, 3), '0B');
    assert.equal(humanSize(999, 3), '999B');
    assert.equal(humanSize(1000, 3), '1kB');
    assert.equal(humanSize(999900, 3), '1e+03kB');
    assert.equal(humanSize(1536), '1.536kB');
    assert.equal(bytesSize(2 * 1024 ** 3), '2GiB');
    assert.equal(bytesSize(8335294464), '7.763GiB');
  });
  it('durations in docker words', () => {
    assert.equal(humanDuration(500), 'Less than a second');
    assert.equal(humanDuration(1000), '1 second');
    assert.equal(humanDuration(5000), '5 seconds');
    assert.equal(humanDuration(60_000), 'About a minute');
    assert.equal(humanDuration(2 * 60_000), '2 minutes');
    assert.equal(humanDuration(3600_000), 'About an hour');
    assert.equal(humanDuration(5 * 3600_000), '5 hours');
    assert.equal(humanDuration(3 * 86400_000), '3 days');
    assert.equal(humanDuration(20 * 86400_000), '2 weeks');
    assert.equal(humanDuration(90 * 86400_000), '3 months');
    assert.equal(humanDuration(800 * 86400_000), '2 years');
    assert.equal(timeAgo(1000, 1000_000 + 120_000), '2 minutes ago');
  });
  it('parses memory sizes with binary multipliers', () => {
    assert.equal(parseRamSize('512m'), 512 * 1024 * 1024);
    assert.equal(parseRamSize('1g'), 1024 ** 3);
    assert.equal(parseRamSize('1.5k'), 1536);
    assert.equal(parseRamSize('100'), 100);
    assert.equal(parseRamSize('64MiB'), 64 * 1024 ** 2);
    assert.throws(() => parseRamSize('abc'), /invalid size: 'abc'/);
  });
  it('ellipsis', () => {
    assert.equal(ellipsis('short', 20), 'short');
    assert.equal(ellipsis('sh -c while true; do sleep 1; done', 20), 'sh -c while true; d…');
  });
});

describe('ports', () => {
  it('formats like docker ps', () => {
    assert.equal(formatPorts([{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]), '0.0.0.0:8080->80/tcp');
    assert.equal(formatPorts([{ IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]), '[::]:8080->80/tcp');
    assert.equal(formatPorts([{ PrivatePort: 443, Type: 'tcp' }, { PrivatePort: 80, Type: 'tcp' }]), '80/tcp, 443/tcp');
    assert.equal(formatPorts([80, 81, 82, 90].map((p) => ({ PrivatePort: p, Type: 'tcp' }))), '80-82/tcp, 90/tcp');
    assert.equal(formatPorts([{ PrivatePort: 53, Type: 'udp' }, { PrivatePort: 53, Type: 'tcp' }]), '53/tcp, 53/udp');
    assert.equal(formatPorts([]), '');
  });
  it('formats port command lines', () => {
    const ports = { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }], '53/udp': null };
    assert.deepEqual(formatPortBindings(ports), ['80/tcp -> 0.0.0.0:8080', '80/tcp -> [::]:8080']);
    assert.deepEqual(formatPortBindings(ports, '80'), ['0.0.0.0:8080', '[::]:8080']);
  });
});

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const container: ContainerSummary = {
  Id: 'f3e4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4',
  Names: ['/web'],
  Image: 'nginx:latest',
  Command: 'nginx -g \'daemon off;\'',
  Created: NOW / 1000 - 120,
  State: 'running',
  Status: 'Up 2 minutes',
  Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
  Labels: { 'com.example.team': 'a', tier: 'front' },
  Mounts: [{ Name: 'data', Source: '/var/lib/berth/volumes/data/_data', Driver: 'local' }],
  SizeRw: 4262000,
  SizeRootFs: 190000000,
};

describe('ps rows', () => {
  it('renders the default table like docker ps', () => {
    const out = renderList(resolveFormat(undefined, DEFAULT_PS_TABLE), [new ContainerContext(container, true, NOW)], CONTAINER_HEADERS);
    assert.equal(out,
      'CONTAINER ID   IMAGE          COMMAND                  CREATED         STATUS         PORTS                  NAMES\n' +
      'f3e4b5c6d7e8   nginx:latest   "nginx -g \'daemon of…"   2 minutes ago   Up 2 minutes   0.0.0.0:8080->80/tcp   web\n');
  });
  it('prints only the header when there are no containers', () => {
    assert.equal(renderList(resolveFormat('', DEFAULT_PS_TABLE), [], CONTAINER_HEADERS),
      'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n');
  });
  it('supports custom templates, table headers, Label and json', () => {
    const row = new ContainerContext(container, true, NOW);
    assert.equal(renderList(resolveFormat('{{.ID}} {{.Names}}', ''), [row], CONTAINER_HEADERS), 'f3e4b5c6d7e8 web\n');
    assert.equal(renderList(resolveFormat('table {{.Names}}\\t{{.Label "com.example.team"}}', ''), [row], CONTAINER_HEADERS),
      'NAMES     TEAM\nweb       a\n');
    assert.equal(renderList(resolveFormat('{{.Size}}|{{.Labels}}|{{.Mounts}}|{{.State}}', ''), [row], CONTAINER_HEADERS),
      '4.26MB (virtual 190MB)|com.example.team=a,tier=front|data|running\n');
    const json = JSON.parse(renderList(resolveFormat('json', ''), [row], CONTAINER_HEADERS)) as Record<string, string>;
    assert.equal(json.ID, 'f3e4b5c6d7e8');
    assert.equal(json.Names, 'web');
    assert.equal(json.Ports, '0.0.0.0:8080->80/tcp');
    assert.equal(json.RunningFor, '2 minutes ago');
  });
  it('does not truncate with --no-trunc', () => {
    const row = new ContainerContext(container, false, NOW);
    assert.equal(row.ID(), container.Id);
    assert.equal(row.Command(), '"nginx -g \'daemon off;\'"');
  });
});

const image: ImageSummary = {
  Id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824',
  RepoTags: ['busybox:latest', 'localhost:5000/tools/busybox:1.36'],
  RepoDigests: ['busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7'],
  Created: NOW / 1000 - 3 * 86400 * 7,
  Size: 4262000,
};

describe('images rows', () => {
  it('one row per tag, docker columns', () => {
    const out = renderList(resolveFormat(undefined, DEFAULT_IMAGES_TABLE), imageRows([image], false, true, NOW), IMAGE_HEADERS);
    assert.equal(out,
      'REPOSITORY                     TAG       IMAGE ID       CREATED       SIZE\n' +
      'busybox                        latest    a416a98b71e2   3 weeks ago   4.26MB\n' +
      'localhost:5000/tools/busybox   1.36      a416a98b71e2   3 weeks ago   4.26MB\n');
  });
  it('shows digests and dangling images', () => {
    const rows = imageRows([image, { Id: 'sha256:' + 'b'.repeat(64), Created: 0, Size: 10 }], true, true, NOW);
    const out = renderList(resolveFormat(undefined, DEFAULT_IMAGES_TABLE_WITH_DIGESTS), rows, IMAGE_HEADERS);
    assert.match(out, /^busybox +latest +sha256:9ae97d36d2656[0-9a-f]+ +a416a98b71e2 /m);
    assert.match(out, /^localhost:5000\/tools\/busybox +1\.36 +<none> +a416a98b71e2/m);
    assert.match(out, /^<none> +<none> +<none> +bbbbbbbbbbbb +N\/A +10B$/m);
  });
  it('templates see Repository, Tag, ID', () => {
    const out = renderList(resolveFormat('{{.Repository}}:{{.Tag}} {{.ID}}', ''), imageRows([image], false, false, NOW), IMAGE_HEADERS);
    assert.equal(out.split('\n')[0], `busybox:latest ${image.Id}`);
  });
});
