/** metav1.Status bodies, the shape every API error (and some successes) takes on the wire. */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

export function failure(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusBody["details"],
): StatusBody {
  const body: StatusBody = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code };
  if (reason !== undefined) body.reason = reason;
  if (details !== undefined) body.details = details;
  return body;
}

export function success(code: number, details?: StatusBody["details"]): StatusBody {
  const body: StatusBody = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code };
  if (details !== undefined) body.details = details;
  return body;
}

/** `pods "web-0" not found`, with the group and kind in details as upstream sends them. */
export function notFound(resource: string, name: string, group = ""): StatusBody {
  const qualified = group ? `${resource}.${group}` : resource;
  return failure(404, "NotFound", `${qualified} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: resource,
  });
}

export function badRequest(message: string): StatusBody {
  return failure(400, "BadRequest", message);
}
