// kube play of hand-written YAML on real containers: a Deployment of 2 replicas with an init
// container, a Service (host port, name on the pods' network), a ConfigMap as files and as env,
// a PVC, a Job; --start=false, --replace; a bad document creates nothing; kube down leaves nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

const PORT = 30000 + Math.floor(Math.random() * 2000);

const APP = `
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  GREETING: hello
  motd.txt: from the configmap
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: results}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
      - name: prepare
        image: busybox
        command: [sh, -c, 'echo "$(GREETING) $(cat /etc/site/motd.txt) $(POD)" > /www/index.html']
        env:
        - {name: GREETING, valueFrom: {configMapKeyRef: {name: site, key: GREETING}}}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        volumeMounts: [{name: www, mountPath: /www}, {name: conf, mountPath: /etc/site}]
      containers:
      - name: httpd
        image: busybox
        command: [httpd, -f, -p, "80", -h, /www]
        ports: [{containerPort: 80, name: http}]
        envFrom: [{configMapRef: {name: site}, prefix: SITE_}]
        volumeMounts: [{name: www, mountPath: /www}, {name: conf, mountPath: /etc/site, readOnly: true}]
        resources: {limits: {memory: 64Mi, cpu: 500m}}
        livenessProbe: {httpGet: {path: /, port: http}, periodSeconds: 2}
        securityContext: {capabilities: {drop: [NET_RAW]}}
      - name: sidecar
        image: busybox
        command: [sh, -c, 'while true; do wget -q -O /tmp/local http://127.0.0.1/ && cat /tmp/local; sleep 1; done']
      volumes:
      - {name: www, emptyDir: {}}
      - {name: conf, configMap: {name: site}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: ${PORT}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: fetch}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
      - name: fetch
        image: busybox
        command: [sh, -c, 'until wget -q -O /results/page http://web/; do sleep 1; done; cat /results/page']
        volumeMounts: [{name: out, mountPath: /results}]
      volumes:
      - {name: out, persistentVolumeClaim: {claimName: results}}
`;

describe('berth kube play: hand-written YAML', () => {
  let d: TestDaemon;
  let dir: string;
  const file = () => join(dir, 'app.yaml');
  before(async () => {
    d = await startTestDaemon();
    dir = mkdtempSync('/tmp/bkubeplay-');
    writeFileSync(file(), APP);
  });
  after(async () => {
    await d?.berth(['kube', 'down', file()]).catch(() => undefined);
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (what: () => Promise<boolean>, tries = 60): Promise<void> => {
    for (let i = 0; i < tries; i++) {
      if (await what()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('a malformed document or an unsupported kind fails naming document and field, creating nothing', async () => {
    writeFileSync(join(dir, 'bad.yaml'), `${APP}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: edge}\n`);
    const bad = await d.berth(['kube', 'play', join(dir, 'bad.yaml')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /bad\.yaml:\d+: document 6 \(Ingress edge\): kind: unsupported kind "Ingress"/);
    writeFileSync(join(dir, 'typo.yaml'), APP.replace('replicas: 2', 'replicas: 2\n  replica: 3'));
    const typo = await d.berth(['kube', 'play', join(dir, 'typo.yaml')]);
    assert.match(typo.stderr, /typo\.yaml:\d+: document 3 \(Deployment web\): spec\.replica: unsupported field/);
    assert.equal((await d.docker(['ps', '-aq'])).stdout, '');
    assert.equal((await d.docker(['volume', 'ls', '-q'])).stdout, '');
    assert.doesNotMatch((await d.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout, /berth-kube/);
  });

  it('plays: replicas as pods, init containers first, ConfigMap as files and env, the Service on a host port', async () => {
    const play = await d.berth(['kube', 'play', file()], { timeoutMs: 120_000 });
    assert.equal(play.code, 0, play.stderr);
    const ps = await d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}', '--filter', 'label=io.berth.kube.object=Deployment/web', '--filter', 'label=io.berth.kube.container']);
    assert.deepEqual(ps.stdout.trim().split('\n').sort(), [
      'web-pod-0-httpd running', 'web-pod-0-prepare exited', 'web-pod-0-sidecar running',
      'web-pod-1-httpd running', 'web-pod-1-prepare exited', 'web-pod-1-sidecar running',
    ]);
    // The init container ran before the app: its page (env + ConfigMap file + pod name) is served.
    const page = await d.docker(['exec', 'web-pod-1-httpd', 'cat', '/www/index.html']);
    assert.equal(page.stdout, 'hello from the configmap web-pod-1\n');
    const env = await d.docker(['exec', 'web-pod-0-httpd', 'sh', '-c', 'echo "$SITE_GREETING"; cat /etc/site/motd.txt']);
    assert.equal(env.stdout, 'hello\nfrom the configmap');
    // The sidecar shares the pod's network namespace: localhost reaches httpd.
    let side = '';
    await until(async () => /hello from the configmap web-pod-0/.test((side = (await d.docker(['logs', 'web-pod-0-sidecar'])).stdout)));
    assert.match(side, /hello from the configmap web-pod-0/);
    // The Service's nodePort is published on the host, to the first pod.
    let body = '';
    await until(async () => {
      body = await fetch(`http://127.0.0.1:${PORT}/`).then((r) => r.text(), () => '');
      return body !== '';
    });
    assert.equal(body, 'hello from the configmap web-pod-0\n');
    const res = await d.docker(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.CapDrop}} {{.HostConfig.RestartPolicy.Name}} {{json .Config.Healthcheck.Test}}', 'web-pod-0-httpd']);
    assert.equal(res.stdout, `${64 * 2 ** 20} 500000000 [NET_RAW] always ["CMD","wget","-q","-O","/dev/null","http://127.0.0.1:80/"]\n`);
  });

  it('the Job runs to completion, reaching the Service by name and writing to the PVC', async () => {
    await until(async () => (await d.docker(['inspect', '-f', '{{.State.Status}}', 'fetch-job-fetch'])).stdout === 'exited\n', 120);
    const job = await d.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'fetch-job-fetch']);
    assert.equal(job.stdout, 'exited 0\n');
    assert.match((await d.docker(['logs', 'fetch-job-fetch'])).stdout, /^hello from the configmap web-pod-\d\n$/);
    const saved = await d.docker(['run', '--rm', '-v', 'results:/r', 'busybox', 'cat', '/r/page']);
    assert.match(saved.stdout, /^hello from the configmap web-pod-\d\n$/);
  });

  it('--replace plays again over what is there; --start=false creates the containers without starting them', async () => {
    const again = await d.berth(['kube', 'play', file()]);
    assert.notEqual(again.code, 0, 'a second play without --replace conflicts on names');
    const replaced = await d.berth(['kube', 'play', '--replace', '--start=false', file()], { timeoutMs: 120_000 });
    assert.equal(replaced.code, 0, replaced.stderr);
    const states = await d.docker(['ps', '-a', '--format', '{{.State}}', '--filter', 'label=io.berth.kube.object=Deployment/web', '--filter', 'label=io.berth.kube.container']);
    assert.deepEqual([...new Set(states.stdout.trim().split('\n'))], ['created']);
  });

  it('kube down removes exactly what play made', async () => {
    const keep = await d.docker(['run', '-d', '--name', 'bystander', 'busybox', 'sleep', '60']);
    assert.equal(keep.code, 0, keep.stderr);
    const down = await d.berth(['kube', 'down', file()], { timeoutMs: 60_000 });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /Pods removed:\n/);
    assert.equal((await d.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout, 'bystander\n');
    assert.equal((await d.docker(['volume', 'ls', '-q'])).stdout, '');
    assert.doesNotMatch((await d.docker(['network', 'ls', '--format', '{{.Name}}'])).stdout, /berth-kube/);
    await d.docker(['rm', '-f', 'bystander']);
  });
});
