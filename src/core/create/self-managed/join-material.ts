/**
 * kubeadm's join material: a bootstrap token (`[a-z0-9]{6}.[a-z0-9]{16}`, valid 24 h by default), the
 * CA certificate hash a joining node pins (`sha256:<hex of the CA's public key>`) and the key of the
 * certificates `kubeadm init --upload-certs` put in the kubeadm-certs Secret (64 hex digits; the
 * Secret is deleted after 2 h). Kept in SSM SecureString parameters, never in user data: a node reads
 * them at boot. A parameter's age is its LastModifiedDate, so Tugboat knows when it expires.
 */
import type { JoinMaterialPort } from "./ports";

export const TOKEN_TTL_SECONDS = 24 * 3600;
export const CERTIFICATE_KEY_TTL_SECONDS = 2 * 3600;
/** A join must start with this much left: boot, kubelet TLS bootstrap and etcd's start take minutes. */
export const JOIN_MARGIN_SECONDS = 20 * 60;

export const TOKEN_PATTERN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
export const CA_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const CERTIFICATE_KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface JoinParameterNames {
  token: string;
  certificateKey: string;
  caCertHash: string;
}

export function joinParameterNames(cluster: string): JoinParameterNames {
  return {
    token: `/tugboat/${cluster}/join/token`,
    certificateKey: `/tugboat/${cluster}/join/certificate-key`,
    caCertHash: `/tugboat/${cluster}/join/ca-cert-hash`,
  };
}

/** A bootstrap token from random bytes (at least 22): kubeadm's alphabet is [a-z0-9]. */
export function bootstrapTokenFrom(bytes: Uint8Array): string {
  if (bytes.length < 22) throw new Error("a bootstrap token needs 22 random bytes");
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const chars = [...bytes.slice(0, 22)].map((b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 6).join("")}.${chars.slice(6, 22).join("")}`;
}

/** A certificate key from 32 random bytes (AES-256, as `kubeadm certs certificate-key` prints it). */
export function certificateKeyFrom(bytes: Uint8Array): string {
  if (bytes.length < 32) throw new Error("a certificate key needs 32 random bytes");
  return Buffer.from(bytes.slice(0, 32)).toString("hex");
}

/** Whether material written at `writtenAt` with this lifetime still has the margin a join needs at `joinAt`. */
export function freshEnough(writtenAt: Date, ttlSeconds: number, joinAt: Date): boolean {
  return writtenAt.getTime() + (ttlSeconds - JOIN_MARGIN_SECONDS) * 1000 > joinAt.getTime();
}

export interface MaterialStatus {
  token: "fresh" | "missing" | "expiring" | "malformed";
  certificateKey: "fresh" | "missing" | "expiring" | "malformed";
  caCertHash: "present" | "missing" | "malformed";
}

/** Reads the material and says what a join at `joinAt` would find. */
export async function materialStatus(port: JoinMaterialPort, cluster: string, joinAt: Date): Promise<MaterialStatus> {
  const names = joinParameterNames(cluster);
  const [token, key, hash] = await Promise.all([
    port.getParameter(names.token),
    port.getParameter(names.certificateKey),
    port.getParameter(names.caCertHash),
  ]);
  const judge = (found: typeof token, pattern: RegExp, ttl: number) =>
    !found
      ? "missing"
      : !pattern.test(found.value)
        ? "malformed"
        : freshEnough(found.lastModified, ttl, joinAt)
          ? "fresh"
          : "expiring";
  return {
    token: judge(token, TOKEN_PATTERN, TOKEN_TTL_SECONDS),
    certificateKey: judge(key, CERTIFICATE_KEY_PATTERN, CERTIFICATE_KEY_TTL_SECONDS),
    caCertHash: !hash ? "missing" : CA_HASH_PATTERN.test(hash.value) ? "present" : "malformed",
  };
}

/** Deletes every join parameter of the cluster; the number deleted. */
export async function deleteJoinMaterial(port: JoinMaterialPort, cluster: string): Promise<number> {
  const names = joinParameterNames(cluster);
  let deleted = 0;
  for (const name of [names.token, names.certificateKey, names.caCertHash]) {
    if ((await port.deleteParameter(name)) === "deleted") deleted++;
  }
  return deleted;
}
