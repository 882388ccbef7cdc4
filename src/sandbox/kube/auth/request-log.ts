/**
 * Every distinct request an RBAC-restricted identity made (unrestricted ones are not RBAC's concern),
 * with whether it was allowed: the evidence for "each verb of the manifest is needed" (re-authorize
 * the log against a manifest with one verb removed) and for naming the first refusal of a run.
 * Requests that differ only by object name are kept once (the shipped rules name no objects).
 */
import type { AuthorizedRequest } from "../server";
import { describeAttributes } from "./request-info";

export interface LoggedKubeRequest extends AuthorizedRequest {
  /** How many times it was made. */
  count: number;
}

export class KubeRequestLog {
  private readonly byKey = new Map<string, LoggedKubeRequest>();

  record(request: AuthorizedRequest): void {
    if (request.identity.unrestricted) return;
    const { attributes } = request;
    const key = `${request.identity.username}|${request.allowed}|${describeAttributes(attributes)}`;
    const seen = this.byKey.get(key);
    if (seen) seen.count += 1;
    else this.byKey.set(key, { ...request, count: 1 });
  }

  entries(): LoggedKubeRequest[] {
    return [...this.byKey.values()];
  }

  denied(): LoggedKubeRequest[] {
    return this.entries().filter((r) => !r.allowed);
  }
}
