import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './podman.js';

export const KUBERNETES_DIR = path.join(ROOT, 'deploy/kubernetes');

/** One manifest of deploy/kubernetes, parsed. */
export async function manifest<T = KubeObject>(file: string): Promise<T> {
  return parse(await readFile(path.join(KUBERNETES_DIR, file), 'utf8')) as T;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

export interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  restartPolicy?: string;
  containers: Container[];
}

export interface Deployment extends KubeObject {
  spec: { replicas: number; template: { metadata: KubeObject['metadata']; spec: PodSpec } };
}

export interface Job extends KubeObject {
  spec: { template: { metadata: KubeObject['metadata']; spec: PodSpec } };
}

/** A ConfigMap's data or a Secret's stringData. */
export interface KeyValues extends KubeObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** Points every secret, ConfigMap and image reference of a pod spec at the test's own names. */
export function rename(spec: PodSpec, names: { secret: string; configMap: string; image: string }): PodSpec {
  return {
    ...spec,
    containers: spec.containers.map((container) => ({
      ...container,
      image: names.image,
      env: container.env?.map((variable) =>
        variable.valueFrom?.secretKeyRef
          ? { ...variable, valueFrom: { secretKeyRef: { ...variable.valueFrom.secretKeyRef, name: names.secret } } }
          : variable,
      ),
      envFrom: container.envFrom?.map((source) =>
        source.configMapRef ? { configMapRef: { name: names.configMap } } : source,
      ),
    })),
  };
}
