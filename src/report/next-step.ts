/**
 * What an operator does next after a run that did not succeed, from the error it stopped with (the
 * contract names of src/core/errors.ts) or, failing that, the words of its reason.
 */
const ADVICE: { match: RegExp; next: string }[] = [
  {
    match: /PdbBlockedTooLong/,
    next: "The PodDisruptionBudget named above refused evictions until the drain deadline. Check why its pods are not healthy elsewhere (kubectl get pdb, kubectl describe pod), add replicas or relax the budget, then run the same command again: nodes already replaced stay replaced. --force deletes the protected pods instead, at the price of the budget.",
  },
  {
    match: /ReplacementNotReady/,
    next: "A replacement never became a Ready node. Check the instance's console output and the node's bootstrap (AMI, user data, subnet, security groups, the aws-auth or access entry of the node role); the stray instance was terminated. Run again once a node launched from the target template joins.",
  },
  {
    match: /PlanInvalidated/,
    next: "The group changed under the run (an AZ lost capacity or the group was edited). Nothing of the batch was terminated; run again and it plans afresh from what is there now.",
  },
  {
    match: /ClusterLocked/,
    next: "Another operation holds this cluster's lock. See it with `tug status <cluster>`; wait for it to end, or `tug abort <cluster>` if it should not run.",
  },
  {
    match: /VersionSkew|skew/i,
    next: "The cluster is outside the kubelet skew policy. Roll the node groups that are behind (`tug roll`) before upgrading further.",
  },
  {
    match: /InvalidInput|invalid/i,
    next: "The request was refused before anything changed: correct the field named in the reason and run again.",
  },
  {
    match: /hard stop|without cleaning up|ABORTED|aborted/i,
    next: "The execution stopped without cleaning up. The next run of this cluster reconciles its leftovers (cordoned nodes, raised group sizes, suspended processes) before it does anything else.",
  },
  {
    match: /refused/i,
    next: "Nothing was changed. Correct what the reason names (the request, the node group, the cluster's access, a preflight problem), then run again.",
  },
];

export function nextStepFor(error: string | undefined, reason: string | undefined, outcome?: string): string {
  const text = `${error ?? ""} ${reason ?? ""} ${outcome === "refused" ? "refused" : ""}`;
  return (
    ADVICE.find((a) => a.match.test(text))?.next ??
    "Read the reason above and the step log below; the run restored the group's capacity and released its lock. Run again once the cause is fixed: the next run reconciles anything left over."
  );
}
