// kube generate from a compose project: every document validates against the Kubernetes schemas,
// the fields map as docs/kube.md says, and the output plays (the play plan accepts it).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadProject } from '../../../src/compose/model/load-project.js';
import { composePods } from '../../../src/kube/generate/compose-pods.js';
import { kubeObjects } from '../../../src/kube/generate/kube-objects.js';
import { kubeYaml } from '../../../src/kube/kube-output.js';
import { readKubeDocuments } from '../../../src/kube/kube-yaml.js';
import { planPlay } from '../../../src/kube/play-plan.js';
import { validateKubeObject } from './kube-schemas.js';

const COMPOSE = `
name: shop
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    environment: { MODE: prod }
    volumes: [data:/srv]
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/"]
      interval: 5s
      timeout: 2s
      retries: 4
    mem_limit: 128m
    cpus: 0.5
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    user: "1000:1000"
    read_only: true
    restart: always
    labels: { com.example.team: "shop front" }
    configs: [{ source: site, target: /etc/site.conf }]
    secrets: [token]
  worker:
    image: registry.example.com:5000/team/worker
    entrypoint: ["/bin/worker"]
    command: ["--fast"]
    deploy: { replicas: 2 }
configs:
  site: { content: "listen 80" }
secrets:
  token: { environment: TOKEN }
volumes:
  data: {}
`;

describe('kube generate from a compose project', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-gen-'));
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const generate = async (type: 'pod' | 'deployment') => {
    const project = await loadProject({ workingDir: dir, environment: { TOKEN: 's3cret' } });
    const { pods, data } = composePods(project, () => undefined);
    return kubeObjects(pods, data, { type, service: true, headlessServices: true });
  };

  for (const type of ['pod', 'deployment'] as const) {
    it(`--type ${type}: every document validates against the Kubernetes schemas`, async () => {
      const objects = await generate(type);
      const text = kubeYaml(objects);
      const docs = parseAllDocuments(text);
      assert.ok(Array.isArray(docs));
      docs.forEach((d, i) => validateKubeObject(d.toJS() as Record<string, unknown>, `document ${i + 1}`));
      assert.deepEqual(objects.map((o) => o.kind).sort(), (type === 'pod' ? ['ConfigMap', 'PersistentVolumeClaim', 'Pod', 'Pod', 'Secret', 'Service', 'Service'] : ['ConfigMap', 'Deployment', 'Deployment', 'PersistentVolumeClaim', 'Secret', 'Service', 'Service']).sort());
      // And it plays: the plan accepts what generate wrote.
      const plan = planPlay(readKubeDocuments(text, 'gen.yaml'));
      assert.equal(plan.pods.length, type === 'pod' ? 2 : 3);
    });
  }

  it('maps a service field by field', async () => {
    const objects = await generate('deployment');
    const web = objects.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'web') as any;
    const c = web.spec.template.spec.containers[0];
    assert.equal(c.image, 'docker.io/library/nginx:1.27');
    assert.deepEqual(c.env, [{ name: 'MODE', value: 'prod' }]);
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }]);
    assert.deepEqual(c.resources, { limits: { memory: '128Mi', cpu: '500m' } });
    assert.deepEqual(c.livenessProbe, { exec: { command: ['/bin/sh', '-c', 'wget -q -O /dev/null http://127.0.0.1/'] }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 4 });
    assert.deepEqual(c.securityContext, { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsUser: 1000, runAsGroup: 1000 });
    assert.equal(web.spec.template.spec.restartPolicy, 'Always');
    assert.deepEqual(web.spec.template.metadata.annotations, { 'com.example.team': 'shop front' });
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]));
    const vols = Object.fromEntries(web.spec.template.spec.volumes.map((v: any) => [v.name, v]));
    assert.deepEqual(vols[mounts['/srv'].name].persistentVolumeClaim, { claimName: 'shop-data' });
    assert.equal(vols[mounts['/etc/site.conf'].name].configMap.name, 'shop-site');
    assert.equal(mounts['/etc/site.conf'].subPath, 'site');
    assert.equal(vols[mounts['/run/secrets/token'].name].secret.secretName, 'shop-token');
    const worker = objects.find((o) => o.kind === 'Deployment' && (o.metadata as { name: string }).name === 'worker') as any;
    assert.equal(worker.spec.replicas, 2);
    assert.deepEqual([worker.spec.template.spec.containers[0].command, worker.spec.template.spec.containers[0].args], [['/bin/worker'], ['--fast']]);
    assert.equal(worker.spec.template.spec.containers[0].image, 'registry.example.com:5000/team/worker:latest');
    const secret = objects.find((o) => o.kind === 'Secret') as any;
    assert.deepEqual(secret.stringData, { token: 's3cret' });
    const svc = objects.filter((o) => o.kind === 'Service') as any[];
    assert.deepEqual(svc.map((s) => [s.metadata.name, s.spec.type ?? s.spec.clusterIP]), [['web', 'NodePort'], ['worker', 'None']]);
  });

  it('--type pod keeps compose\'s restart policy', async () => {
    const objects = await generate('pod');
    const pods = objects.filter((o) => o.kind === 'Pod') as any[];
    assert.deepEqual(pods.map((p) => [p.metadata.name, p.spec.restartPolicy]), [['web', 'Always'], ['worker', 'Never']]);
  });
});
