/**
 * Instance ids as events name them: bare ("i-0b662ef9931388ba0") or inside an ARN
 * ("arn:aws:ec2:us-east-1:123456789012:instance/i-…"). ARNs are not validated: the NTH samples carry
 * "arn:aws:ec2:us-east-1b:instance/i-…", with an AZ for the region and no account.
 */
const BARE_INSTANCE_ID = /^i-[0-9A-Za-z]+$/;
const INSTANCE_ARN = /^arn:[^:]*:ec2:[^/]*:instance\/(i-[0-9A-Za-z]+)$/;

/** The instance id named by a Health entity value or a resource, or null when it names something else. */
export function instanceIdOf(value: string): string | null {
  const text = value.trim();
  if (BARE_INSTANCE_ID.test(text)) return text;
  return INSTANCE_ARN.exec(text)?.[1] ?? null;
}

/** Keeps first occurrences in order, so a decision lists instances the way the event did. */
export function uniqueIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/** Best-effort instance ids of an event Tugboat does not act on, for the explanation only. */
export function looseInstanceIds(detail: unknown): string[] {
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return [];
  const fields = detail as Record<string, unknown>;
  const candidates = [fields["EC2InstanceId"], fields["instance-id"]];
  return uniqueIds(candidates.filter((value): value is string => typeof value === "string" && value.length > 0));
}
