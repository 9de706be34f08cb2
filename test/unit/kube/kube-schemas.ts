// Validates generated objects against the Kubernetes API schemas that kubernetes-models (4.5.1,
// a dev dependency) ships: one class per apiVersion and kind.
import { ConfigMap, PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';

type Model = { validate(): void };
const MODELS: Record<string, new (data: never) => Model> = {
  'v1/Pod': Pod, 'v1/Service': Service, 'v1/ConfigMap': ConfigMap, 'v1/Secret': Secret, 'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment, 'apps/v1/DaemonSet': DaemonSet, 'batch/v1/Job': Job,
};

/** Throws, naming the document, when an object does not validate (or has no known schema). */
export function validateKubeObject(o: Record<string, unknown>, where: string): void {
  const M = MODELS[`${String(o.apiVersion)}/${String(o.kind)}`];
  if (!M) throw new Error(`${where}: no schema for ${String(o.apiVersion)} ${String(o.kind)}`);
  try {
    new M(o as never).validate();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
