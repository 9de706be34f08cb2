// kube play's plan: a malformed document, an unsupported kind or field, or a dangling reference
// fails naming the file, line, document and field; a good file maps to create bodies as
// Kubernetes means its fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readKubeDocuments } from '../../../src/kube/kube-yaml.js';
import { planPlay } from '../../../src/kube/play-plan.js';
import { podContainer, podCreateBody, podHostPorts } from '../../../src/kube/pod-container-config.js';
import type { KubeObject } from '../../../src/kube/kube-yaml.js';

const plan = (text: string) => planPlay(readKubeDocuments(text, 'app.yaml'));

describe('kube play plan: errors name the document and field', () => {
  it('malformed YAML', () => {
    assert.throws(() => plan('apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n'), /app\.yaml:4: document 1: malformed YAML/);
  });
  it('an unsupported kind', () => {
    assert.throws(() => plan('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: busybox}]}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: edge\n'),
      (e: Error) => e.message === 'app.yaml:7: document 2 (Ingress edge): kind: unsupported kind "Ingress" (supported: Pod, Deployment, DaemonSet, Job, Service, ConfigMap, Secret, PersistentVolumeClaim)');
  });
  it('an unsupported field, with its line', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: busybox\n          volumeDevices: []\n';
    assert.throws(() => plan(text), (e: Error) => e.message === 'app.yaml:10: document 1 (Deployment web): spec.template.spec.containers[0].volumeDevices: unsupported field');
  });
  it('a missing field, a ConfigMap the file lacks, a volume mount with no volume', () => {
    assert.throws(() => plan('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n'), /document 1 \(Pod a\): spec\.containers\[0\]\.image: required field missing/);
    assert.throws(() => plan('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    envFrom: [{configMapRef: {name: cfg}}]\n'), /spec\.containers\[0\]\.envFrom\[0\]\.configMapRef\.name: no ConfigMap named "cfg" in this file/);
    assert.throws(() => plan('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    volumeMounts: [{name: v, mountPath: /x}]\n'), /volumeMounts\[0\]\.name: no volume named "v" in the pod/);
    assert.throws(() => plan('kind: Pod\nmetadata: {name: a}\n'), /document 1 \(Pod a\): apiVersion: required field missing/);
  });
  it('fields with no meaning on one machine are warnings, not errors', () => {
    const p = plan('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  nodeSelector: {disk: ssd}\n  containers: [{name: c, image: busybox}]\n');
    assert.deepEqual(p.warnings, ['document 1 (Pod a): spec.nodeSelector: ignored (no meaning on one machine)']);
  });
});

describe('kube play plan: fields → create bodies', () => {
  const text = `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {GREETING: hello, app.conf: "port=80\\n"}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
data: {password: cGFzcw==}
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
      securityContext: {runAsUser: 1000, runAsGroup: 100}
      initContainers:
      - {name: init, image: busybox, command: [sh, -c, "echo init"]}
      containers:
      - name: app
        image: busybox
        command: [sh, -c]
        args: ["echo $(GREETING)"]
        env:
        - {name: PASSWORD, valueFrom: {secretKeyRef: {name: sec, key: password}}}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        envFrom: [{configMapRef: {name: cfg}}]
        ports: [{containerPort: 80, name: http}]
        volumeMounts: [{name: conf, mountPath: /etc/app}, {name: scratch, mountPath: /scratch}]
        resources: {limits: {memory: 64Mi, cpu: 250m}, requests: {memory: 32Mi, cpu: "0.5"}}
        securityContext: {capabilities: {drop: [ALL]}, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 3, failureThreshold: 2}
      - {name: side, image: busybox, readinessProbe: {tcpSocket: {port: 80}}}
      volumes:
      - {name: conf, configMap: {name: cfg, items: [{key: app.conf, path: app.conf}]}}
      - {name: scratch, emptyDir: {}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: http, nodePort: 30080}]}
`;
  it('replicas as pods, each with its init containers and containers', () => {
    const p = plan(text);
    assert.deepEqual(p.pods.map((x) => x.name), ['web-pod-0', 'web-pod-1']);
    assert.deepEqual(p.services.map((s) => [s.name, s.ports]), [['web', [{ hostPort: 30080, targetPort: 'http', protocol: 'tcp' }]]]);
  });
  it('maps env, command/args, mounts, resources, securityContext and probes', () => {
    const p = plan(text);
    const pod = p.pods[0]!;
    const containers = pod.spec.containers as KubeObject[];
    const app = podContainer(p, pod, containers[0]!, 0, { init: false });
    assert.equal(app.name, 'web-pod-0-app');
    const b = app.body;
    assert.deepEqual(b.Env, ['GREETING=hello', 'app.conf=port=80\n', 'PASSWORD=pass', 'POD=web-pod-0']);
    assert.deepEqual([b.Entrypoint, b.Cmd], [['sh', '-c'], ['echo hello']]);
    assert.equal(b.User, '1000:100');
    assert.deepEqual(app.files, [{ path: '/etc/app/app.conf', content: Buffer.from('port=80\n'), mode: 0o644 }]);
    assert.deepEqual(b.HostConfig?.Mounts, [{ Type: 'volume', Source: 'web-pod-0-scratch', Target: '/scratch', ReadOnly: false }]);
    assert.deepEqual([b.HostConfig?.Memory, b.HostConfig?.MemoryReservation, b.HostConfig?.NanoCpus, b.HostConfig?.CpuShares], [64 * 2 ** 20, 32 * 2 ** 20, 250_000_000, 512]);
    assert.deepEqual([b.HostConfig?.CapDrop, b.HostConfig?.ReadonlyRootfs, b.HostConfig?.SecurityOpt], [['ALL'], true, ['no-new-privileges']]);
    assert.deepEqual(b.Healthcheck, { Test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/healthz'], Interval: 3e9, Timeout: 1e9, Retries: 2 });
    assert.equal(b.HostConfig?.HealthOnFailure, 'restart');
    assert.deepEqual(b.HostConfig?.RestartPolicy, { Name: 'always' });
    // The pod's infra container holds the network: a member names none.
    assert.equal(b.HostConfig?.NetworkMode, undefined);
    assert.equal(b.NetworkingConfig, undefined);
    const side = podContainer(p, pod, containers[1]!, 1, { init: false });
    assert.deepEqual(side.body.Healthcheck?.Test, ['CMD', 'nc', '-z', '127.0.0.1', '80']);
    assert.equal(side.body.Hostname, undefined);
    const init = podContainer(p, pod, (pod.spec.initContainers as KubeObject[])[0]!, 0, { init: true });
    assert.deepEqual(init.body.HostConfig?.RestartPolicy, { Name: 'no' });
    assert.equal(init.body.Labels?.['io.berth.kube.init-container'], 'true');
  });
  it('the pod: kube network, hostname, DNS names, published ports', () => {
    const p = plan(text);
    const pod = p.pods[1]!;
    assert.deepEqual(podCreateBody(pod, { '80/tcp': [{ HostIp: '', HostPort: '30080' }] }, ['web-pod-1', 'web', 'web']), {
      Name: 'web-pod-1',
      Labels: { app: 'web', 'io.berth.kube.object': 'Deployment/web', 'io.berth.kube.pod': 'web-pod-1' },
      Hostname: 'web-pod-1',
      Share: ['net', 'ipc'],
      NetworkMode: 'berth-kube',
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '30080' }] },
      NetworkingConfig: { EndpointsConfig: { 'berth-kube': { Aliases: ['web-pod-1', 'web'] } } },
    });
    assert.deepEqual(podHostPorts(pod), {});
  });
  it('a Job needs restartPolicy Never or OnFailure', () => {
    assert.throws(() => plan('apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: busybox}]\n'), /document 1 \(Job j\): spec\.template\.spec\.restartPolicy: a Job's pods must have restartPolicy Never or OnFailure/);
  });
});
