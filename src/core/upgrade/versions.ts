/**
 * Kubernetes minor versions and the version-skew policy Tugboat plans with
 * (kubernetes.io/releases/version-skew-policy): kubelets may be up to three minors older than the
 * API server from 1.28 on (two before), never newer; EKS moves the control plane one minor at a time.
 */
const MINOR = /^1\.(\d+)$/;

export function isMinor(value: string): boolean {
  return MINOR.test(value);
}

/** "1.30" → 30. */
export function minorNumber(version: string): number {
  const match = MINOR.exec(version);
  if (!match) throw new Error(`"${version}" is not a Kubernetes minor version such as "1.30"`);
  return Number(match[1]);
}

export function compareMinors(a: string, b: string): number {
  return minorNumber(a) - minorNumber(b);
}

export function addMinors(version: string, count: number): string {
  return `1.${minorNumber(version) + count}`;
}

/** The minors a control plane passes through from `from` (excluded) to `to` (included). */
export function upgradePath(from: string, to: string): string[] {
  const path: string[] = [];
  for (let minor = minorNumber(from) + 1; minor <= minorNumber(to); minor++) path.push(`1.${minor}`);
  return path;
}

/** How many minors older than the API server a kubelet may be. */
export function maxKubeletSkew(apiServerMinor: string): number {
  return minorNumber(apiServerMinor) >= 28 ? 3 : 2;
}

/** Whether kubelets on `kubeletMinor` may work with an API server on `apiServerMinor`. */
export function kubeletSkewAllowed(apiServerMinor: string, kubeletMinor: string): boolean {
  const skew = minorNumber(apiServerMinor) - minorNumber(kubeletMinor);
  return skew >= 0 && skew <= maxKubeletSkew(apiServerMinor);
}

/** "v1.19.2-eksbuild.1" → [1, 19, 2]: add-on versions compare by their numeric parts. */
export function addonVersionParts(version: string): number[] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-eksbuild\.(\d+))?/.exec(version);
  if (!match) return [];
  return match.slice(1).map((part) => Number(part ?? 0));
}

export function compareAddonVersions(a: string, b: string): number {
  const pa = addonVersionParts(a);
  const pb = addonVersionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.localeCompare(b);
}

/** "v1.19.2-eksbuild.1" → "1.19". */
export function addonMinor(version: string): string {
  const [major = 0, minor = 0] = addonVersionParts(version);
  return `${major}.${minor}`;
}
