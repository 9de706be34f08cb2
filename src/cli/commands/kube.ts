// `kube generate|play|down`: flags → src/kube (over the API client) → YAML or a listing of what
// was made or removed (docs/kube.md).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { ApiClient } from '../../client/api-client.js';
import type { KubeImageOperations } from '../../kube/kube-play.js';
import type { KubeDocument } from '../../kube/kube-yaml.js';
import { parseDockerRef } from '../../oci/reference.js';
import { UsageError, type CommandContext, type CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';
import { parseArgs } from '../flags/parse-args.js';

export const kubeGenerateCommand: CommandDefinition = {
  name: 'kube generate',
  usage: '[OPTIONS] [CONTAINER|POD|VOLUME...]',
  description: 'Generate Kubernetes YAML from containers, pods, volumes or a compose project',
  flags: [
    list('compose-file', undefined, 'Generate from a compose project\'s files', 'stringArray'),
    str('project-name', 'p', 'Generate from the running containers of a compose project (or name the project of --compose-file)'),
    str('type', 't', 'Kind of workload to generate: pod or deployment', 'pod'),
    bool('service', 's', 'Generate a Service for each pod'),
    str('filename', 'f', 'Write the YAML to this file instead of standard output'),
  ],
  args: { min: 0 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const type = String(f.type);
    if (type !== 'pod' && type !== 'deployment') throw new UsageError(`invalid type ${JSON.stringify(type)}: pod or deployment`);
    const files = (f['compose-file'] as string[] | undefined) ?? [];
    const project = f['project-name'] as string | undefined;
    const { claimObject, kubeObjects } = await import('../../kube/generate/kube-objects.js');
    const { kubeYaml } = await import('../../kube/kube-output.js');
    let objects;
    if (files.length) {
      if (cmd.args.length) throw new UsageError('--compose-file and names cannot be combined');
      const { loadProject } = await import('../../compose/model/load-project.js');
      const { composePods } = await import('../../kube/generate/compose-pods.js');
      const warn = (m: string): void => void ctx.stderr.write(`WARN: ${m}\n`);
      const p = await loadProject({ files, ...(project ? { projectName: project } : {}), environment: process.env, onWarning: warn });
      const { pods, data } = composePods(p, warn);
      objects = kubeObjects(pods, data, { type, service: f.service === true, headlessServices: true });
    } else {
      if (!project && cmd.args.length === 0) throw new UsageError('name a container, pod or volume, or give --compose-file or -p');
      const client = await ctx.client();
      const { engineSources, projectSources } = await import('../../kube/generate/engine-pods.js');
      const src = project ? await projectSources(client, project) : await engineSources(client, cmd.args);
      objects = kubeObjects(src.pods, [], { type, service: f.service === true, headlessServices: project !== undefined });
      const claimed = new Set(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => (o.metadata as { name: string }).name));
      for (const c of src.claims) if (!claimed.has(c)) objects.unshift(claimObject(c));
    }
    const text = kubeYaml(objects);
    if (typeof f.filename === 'string' && f.filename !== '') await writeFile(f.filename, text);
    else ctx.stdout.write(text);
  },
};

export const kubePlayCommand: CommandDefinition = {
  name: 'kube play',
  usage: '[OPTIONS] FILE|-',
  description: 'Create containers, pods and volumes from Kubernetes YAML',
  flags: [
    bool('replace', undefined, 'Remove what an earlier play of this file made, then play it'),
    bool('build', undefined, 'Build images from folders named like them (with a Containerfile or Dockerfile)'),
    bool('start', undefined, 'Start the pods after creating them', true),
    bool('quiet', 'q', 'Print nothing but errors'),
  ],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const f = cmd.flags;
    const docs = await readDocuments(ctx, cmd.args[0]!);
    const { planPlay } = await import('../../kube/play-plan.js');
    const plan = planPlay(docs);
    const client = await ctx.client();
    if (f.replace) {
      const { kubeDown } = await import('../../kube/kube-down.js');
      await kubeDown(client, docs);
    }
    const { playPlan } = await import('../../kube/kube-play.js');
    const played = await playPlan(client, plan, {
      start: f.start !== false, build: f.build === true, images: imageOperations(ctx, client),
      report: (line) => void ctx.stderr.write(`${line}\n`),
    });
    if (f.quiet) return;
    for (const p of played) ctx.stdout.write(`Pod:\n${p.name}\nContainers:\n${p.containers.join('\n')}\n\n`);
    for (const c of plan.claims) ctx.stdout.write(`Volume:\n${c.name}\n\n`);
  },
};

export const kubeDownCommand: CommandDefinition = {
  name: 'kube down',
  usage: 'FILE|-',
  description: 'Remove the containers, pods and volumes that kube play made from this YAML',
  flags: [],
  args: { min: 1, max: 1 },
  async run(ctx, cmd) {
    const docs = await readDocuments(ctx, cmd.args[0]!);
    const client = await ctx.client();
    const { kubeDown } = await import('../../kube/kube-down.js');
    const r = await kubeDown(client, docs);
    if (r.pods.length) ctx.stdout.write(`Pods removed:\n${r.pods.join('\n')}\n`);
    if (r.volumes.length) ctx.stdout.write(`Volumes removed:\n${r.volumes.join('\n')}\n`);
  },
};

async function readDocuments(ctx: CommandContext, file: string): Promise<KubeDocument[]> {
  let text: string;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.stdin) chunks.push(Buffer.from(c as Buffer));
    text = Buffer.concat(chunks).toString('utf8');
  } else text = await readFile(file, 'utf8');
  const { readKubeDocuments } = await import('../../kube/kube-yaml.js');
  return readKubeDocuments(text, file === '-' ? '<stdin>' : file);
}

/** Pull as `berth pull` does; build (--build) from `./<image name>/` as podman does. */
function imageOperations(ctx: CommandContext, client: ApiClient): KubeImageOperations {
  return {
    async pull(image) {
      const { pullWithProgress } = await import('../actions/pull-image.js');
      await pullWithProgress(client, image, ctx.stderr, { quiet: true, ...(ctx.configDir ? { configDir: ctx.configDir } : {}) });
    },
    async build(image) {
      let dir: string;
      try {
        dir = resolve(basename(parseDockerRef(image).path));
      } catch {
        return false;
      }
      if (!['Containerfile', 'Dockerfile'].some((n) => existsSync(join(dir, n)))) return false;
      const { buildCommand } = await import('./build.js');
      const file = existsSync(join(dir, 'Containerfile')) ? ['-f', join(dir, 'Containerfile')] : [];
      const parsed = parseArgs(['-t', image, ...file, dir], buildCommand.flags, { interspersed: true });
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await buildCommand.run({ ...ctx, stdout: sink, stderr: sink, client: async () => client }, { flags: parsed.values, set: parsed.set, args: parsed.args });
      return true;
    },
  };
}
