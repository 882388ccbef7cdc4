/**
 * Where a self-managed cluster's etcd is and how to authenticate to it: the Secrets Manager secret
 * `tugboat/<cluster>/etcd`, a JSON document
 *   {"endpoints": ["https://10.0.1.10:2379", ...], "ca": "<PEM>", "cert": "<PEM>", "key": "<PEM>"}
 * where ca/cert/key are the etcd CA and a client certificate (kubeadm's apiserver-etcd-client pair
 * will do) and may be left out for a plain-HTTP endpoint.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { TerminalError } from "../../core/errors";
import { isNotFound, toStepError } from "../aws/classify";

export const etcdSecretId = (cluster: string) => `tugboat/${cluster}/etcd`;

export interface EtcdAccess {
  endpoints: string[];
  ca?: string;
  cert?: string;
  key?: string;
}

export async function readEtcdAccess(cluster: string, secrets: SecretsManagerClient): Promise<EtcdAccess> {
  const secretId = etcdSecretId(cluster);
  let text: string | undefined;
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    text = out.SecretString ?? (out.SecretBinary ? Buffer.from(out.SecretBinary).toString("utf8") : undefined);
  } catch (err) {
    if (isNotFound(err)) {
      throw new TerminalError(
        `cluster ${cluster} has no etcd access: create the Secrets Manager secret ${secretId} ({"endpoints": [...], "ca", "cert", "key"})`,
        { cause: err },
      );
    }
    throw toStepError(err, `reading the etcd access of cluster ${cluster} from Secrets Manager secret ${secretId}`);
  }
  return parseEtcdAccess(text ?? "", secretId);
}

export function parseEtcdAccess(text: string, source: string): EtcdAccess {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TerminalError(`the etcd access in ${source} is not JSON`, { cause: err });
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const endpoints = record.endpoints;
  if (
    !Array.isArray(endpoints) ||
    endpoints.length === 0 ||
    !endpoints.every((e) => typeof e === "string" && /^https?:\/\//.test(e))
  ) {
    throw new TerminalError(`the etcd access in ${source} needs "endpoints": a non-empty list of http(s) URLs`);
  }
  const access: EtcdAccess = { endpoints: endpoints as string[] };
  for (const field of ["ca", "cert", "key"] as const) {
    const pem = record[field];
    if (pem === undefined) continue;
    if (typeof pem !== "string")
      throw new TerminalError(`the etcd access in ${source} has a "${field}" that is not a PEM string`);
    access[field] = pem;
  }
  if ((access.cert === undefined) !== (access.key === undefined)) {
    throw new TerminalError(`the etcd access in ${source} gives "cert" and "key" together or neither`);
  }
  return access;
}
