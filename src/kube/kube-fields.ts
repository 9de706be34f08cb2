// Which fields of each kind `kube play` honours, which it knows and ignores (a warning: they
// concern a cluster, not one machine), and so which are unsupported: an error naming the field,
// never a silent drop. A shape is a tree of accepted keys; `ANY` accepts whatever lies below.
import type { KubeDocument } from './kube-yaml.js';

type Shape = typeof ANY | typeof IGNORED | { readonly [key: string]: Shape } | readonly [Shape];
const ANY = 'any' as const;
const IGNORED = 'ignored' as const;

const METADATA: Shape = {
  name: ANY, namespace: ANY, labels: ANY, annotations: ANY, generateName: IGNORED, uid: IGNORED,
  resourceVersion: IGNORED, generation: IGNORED, creationTimestamp: IGNORED, ownerReferences: IGNORED, managedFields: IGNORED, finalizers: IGNORED,
};

const QUANTITIES: Shape = { cpu: ANY, memory: ANY, 'ephemeral-storage': IGNORED };
const KEY_REF: Shape = { name: ANY, key: ANY, optional: ANY };
const PROBE: Shape = {
  exec: { command: ANY },
  httpGet: { path: ANY, port: ANY, host: ANY, scheme: ANY, httpHeaders: IGNORED },
  tcpSocket: { port: ANY, host: ANY },
  grpc: IGNORED,
  initialDelaySeconds: ANY, periodSeconds: ANY, timeoutSeconds: ANY, failureThreshold: ANY, successThreshold: IGNORED, terminationGracePeriodSeconds: IGNORED,
};
const SECURITY_CONTEXT: Shape = {
  runAsUser: ANY, runAsGroup: ANY, runAsNonRoot: ANY, privileged: ANY, readOnlyRootFilesystem: ANY,
  allowPrivilegeEscalation: ANY, capabilities: { add: ANY, drop: ANY }, seLinuxOptions: IGNORED, seccompProfile: IGNORED, appArmorProfile: IGNORED, procMount: IGNORED,
};

const CONTAINER: Shape = {
  name: ANY, image: ANY, imagePullPolicy: ANY, command: ANY, args: ANY, workingDir: ANY, tty: ANY, stdin: ANY, stdinOnce: IGNORED,
  ports: [{ name: ANY, containerPort: ANY, hostPort: ANY, hostIP: ANY, protocol: ANY }],
  env: [{ name: ANY, value: ANY, valueFrom: { configMapKeyRef: KEY_REF, secretKeyRef: KEY_REF, fieldRef: { fieldPath: ANY, apiVersion: IGNORED } } }],
  envFrom: [{ prefix: ANY, configMapRef: { name: ANY, optional: ANY }, secretRef: { name: ANY, optional: ANY } }],
  volumeMounts: [{ name: ANY, mountPath: ANY, readOnly: ANY, subPath: ANY, mountPropagation: IGNORED }],
  resources: { limits: QUANTITIES, requests: QUANTITIES },
  livenessProbe: PROBE, readinessProbe: PROBE, startupProbe: PROBE,
  securityContext: SECURITY_CONTEXT,
  terminationMessagePath: IGNORED, terminationMessagePolicy: IGNORED, lifecycle: IGNORED, resizePolicy: IGNORED,
};

const VOLUME: Shape = {
  name: ANY,
  persistentVolumeClaim: { claimName: ANY, readOnly: ANY },
  emptyDir: { medium: ANY, sizeLimit: ANY },
  hostPath: { path: ANY, type: ANY },
  configMap: { name: ANY, items: [{ key: ANY, path: ANY, mode: ANY }], defaultMode: ANY, optional: ANY },
  secret: { secretName: ANY, items: [{ key: ANY, path: ANY, mode: ANY }], defaultMode: ANY, optional: ANY },
};

const POD_SPEC: Shape = {
  containers: [CONTAINER], initContainers: [CONTAINER], volumes: [VOLUME], restartPolicy: ANY, hostname: ANY,
  terminationGracePeriodSeconds: ANY, hostNetwork: ANY, hostIPC: ANY, hostPID: ANY,
  securityContext: { ...SECURITY_CONTEXT, sysctls: [{ name: ANY, value: ANY }], supplementalGroups: ANY, fsGroup: IGNORED, fsGroupChangePolicy: IGNORED },
  nodeSelector: IGNORED, nodeName: IGNORED, affinity: IGNORED, tolerations: IGNORED, serviceAccountName: IGNORED, serviceAccount: IGNORED,
  automountServiceAccountToken: IGNORED, dnsPolicy: IGNORED, schedulerName: IGNORED, priorityClassName: IGNORED, enableServiceLinks: IGNORED,
  topologySpreadConstraints: IGNORED, imagePullSecrets: IGNORED,
};

const TEMPLATE: Shape = { metadata: METADATA, spec: POD_SPEC };
const SELECTOR: Shape = { matchLabels: ANY, matchExpressions: IGNORED };

const KINDS: Record<string, Shape> = {
  Pod: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: POD_SPEC, status: IGNORED },
  Deployment: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: { replicas: ANY, selector: SELECTOR, template: TEMPLATE, strategy: IGNORED, revisionHistoryLimit: IGNORED, minReadySeconds: IGNORED, progressDeadlineSeconds: IGNORED, paused: IGNORED }, status: IGNORED },
  DaemonSet: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: { selector: SELECTOR, template: TEMPLATE, updateStrategy: IGNORED, revisionHistoryLimit: IGNORED, minReadySeconds: IGNORED }, status: IGNORED },
  Job: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: { template: TEMPLATE, backoffLimit: ANY, completions: ANY, parallelism: ANY, selector: IGNORED, manualSelector: IGNORED, activeDeadlineSeconds: IGNORED, ttlSecondsAfterFinished: IGNORED }, status: IGNORED },
  Service: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: { selector: ANY, type: ANY, clusterIP: ANY, clusterIPs: IGNORED, ports: [{ name: ANY, port: ANY, targetPort: ANY, nodePort: ANY, protocol: ANY, appProtocol: IGNORED }], sessionAffinity: IGNORED, externalTrafficPolicy: IGNORED, internalTrafficPolicy: IGNORED, ipFamilies: IGNORED, ipFamilyPolicy: IGNORED }, status: IGNORED },
  ConfigMap: { apiVersion: ANY, kind: ANY, metadata: METADATA, data: ANY, binaryData: ANY, immutable: IGNORED },
  Secret: { apiVersion: ANY, kind: ANY, metadata: METADATA, data: ANY, stringData: ANY, type: ANY, immutable: IGNORED },
  PersistentVolumeClaim: { apiVersion: ANY, kind: ANY, metadata: METADATA, spec: { accessModes: IGNORED, resources: IGNORED, storageClassName: IGNORED, volumeMode: IGNORED, selector: IGNORED, volumeName: IGNORED }, status: IGNORED },
};

export const SUPPORTED_KINDS: readonly string[] = Object.keys(KINDS);

/** Fails on an unsupported kind or field; returns the ignored fields' paths for warnings. */
export function checkFields(doc: KubeDocument): string[] {
  const shape = KINDS[doc.kind];
  if (!shape) doc.fail(['kind'], `unsupported kind ${JSON.stringify(doc.kind)} (supported: ${SUPPORTED_KINDS.join(', ')})`);
  const ignored: string[] = [];
  walk(doc, doc.body, shape, [], ignored);
  return ignored;
}

function walk(doc: KubeDocument, value: unknown, shape: Shape, path: (string | number)[], ignored: string[]): void {
  if (shape === ANY || value === null || value === undefined) return;
  if (shape === IGNORED) {
    ignored.push(path.map((k) => (typeof k === 'number' ? `[${k}]` : k)).join('.').replace(/\.\[/g, '['));
    return;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) doc.fail(path, 'must be a list');
    value.forEach((v, i) => walk(doc, v, shape[0]!, [...path, i], ignored));
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) doc.fail(path, 'must be a mapping');
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = (shape as Record<string, Shape>)[k];
    if (!sub) doc.fail([...path, k], 'unsupported field');
    walk(doc, v, sub, [...path, k], ignored);
  }
}
