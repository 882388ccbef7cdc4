/**
 * The three patch formats clients send: JSON merge patch (RFC 7386), strategic merge patch (for the
 * fields the simulator lets clients change — labels, annotations, unschedulable, taints — the same
 * as a merge patch, since NodeSpec.taints is replaced whole), and JSON Patch (RFC 6902), which is
 * @kubernetes/client-node's default Content-Type for patch calls.
 */
import { asObject } from "./types";

export class PatchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "PatchError";
  }
}

export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";

export function mergePatch(target: unknown, patch: unknown): unknown {
  const patchObject = asObject(patch);
  if (!patchObject) return structuredClone(patch);
  const result: Record<string, unknown> = { ...(asObject(target) ?? {}) };
  for (const [key, value] of Object.entries(patchObject)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Strategic merge patch directives ($patch, $retainKeys, $setElementOrder/…) are dropped. */
function withoutDirectives(patch: unknown): unknown {
  if (Array.isArray(patch)) return patch.map(withoutDirectives);
  const object = asObject(patch);
  if (!object) return patch;
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => !key.startsWith("$"))
      .map(([key, value]) => [key, withoutDirectives(value)]),
  );
}

function decodePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON Patch path "${pointer}"`, 422);
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function parentOf(document: unknown, path: string[], pointer: string): [Record<string, unknown> | unknown[], string] {
  let current: unknown = document;
  for (const part of path.slice(0, -1)) {
    const container = Array.isArray(current) ? current[Number(part)] : asObject(current)?.[part];
    if (container === undefined || container === null || typeof container !== "object") {
      throw new PatchError(`JSON Patch path "${pointer}": missing parent "${part}"`, 422);
    }
    current = container;
  }
  return [current as Record<string, unknown> | unknown[], path[path.length - 1] as string];
}

function readAt(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const part of decodePointer(pointer)) {
    current = Array.isArray(current) ? current[Number(part)] : asObject(current)?.[part];
    if (current === undefined) throw new PatchError(`JSON Patch path "${pointer}" does not exist`, 422);
  }
  return current;
}

function writeAt(document: unknown, pointer: string, value: unknown, mode: "add" | "replace"): void {
  const path = decodePointer(pointer);
  if (path.length === 0) throw new PatchError("JSON Patch cannot replace the whole object", 422);
  const [parent, key] = parentOf(document, path, pointer);
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new PatchError(`JSON Patch path "${pointer}": index out of range`, 422);
    }
    if (mode === "add") parent.splice(index, 0, value);
    else parent[index] = value;
    return;
  }
  if (mode === "replace" && !Object.hasOwn(parent, key)) {
    throw new PatchError(`JSON Patch replace: path "${pointer}" does not exist`, 422);
  }
  parent[key] = value;
}

function removeAt(document: unknown, pointer: string): void {
  const path = decodePointer(pointer);
  const [parent, key] = parentOf(document, path, pointer);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length))
      throw new PatchError(`JSON Patch remove: "${pointer}" out of range`, 422);
    parent.splice(index, 1);
  } else {
    if (!Object.hasOwn(parent, key)) throw new PatchError(`JSON Patch remove: path "${pointer}" does not exist`, 422);
    delete parent[key];
  }
}

export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError("a JSON Patch body must be an array of operations", 400);
  const document = structuredClone(target);
  for (const raw of operations) {
    const operation = asObject(raw);
    const op = operation?.op;
    const path = operation?.path;
    if (typeof op !== "string" || typeof path !== "string") {
      throw new PatchError(`invalid JSON Patch operation ${JSON.stringify(raw)}`, 400);
    }
    switch (op) {
      case "add":
      case "replace":
        writeAt(document, path, structuredClone(operation?.value), op);
        break;
      case "remove":
        removeAt(document, path);
        break;
      case "test":
        if (JSON.stringify(readAt(document, path)) !== JSON.stringify(operation?.value)) {
          throw new PatchError(`JSON Patch test failed at "${path}"`, 422);
        }
        break;
      case "copy":
      case "move": {
        const from = operation?.from;
        if (typeof from !== "string") throw new PatchError(`JSON Patch ${op} needs "from"`, 400);
        const value = structuredClone(readAt(document, from));
        if (op === "move") removeAt(document, from);
        writeAt(document, path, value, "add");
        break;
      }
      default:
        throw new PatchError(`unsupported JSON Patch operation "${op}"`, 400);
    }
  }
  return document;
}

/** Applies a patch body of the given media type to `target` (a rendered object). */
export function applyPatch(
  target: Record<string, unknown>,
  contentType: string,
  patch: unknown,
): Record<string, unknown> {
  let result: unknown;
  if (contentType === MERGE_PATCH) result = mergePatch(target, patch);
  else if (contentType === STRATEGIC_MERGE_PATCH) result = mergePatch(target, withoutDirectives(patch));
  else if (contentType === JSON_PATCH) result = jsonPatch(target, patch);
  else
    throw new PatchError(
      `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${STRATEGIC_MERGE_PATCH}`,
      415,
    );
  const object = asObject(result);
  if (!object) throw new PatchError("the patched object is not a JSON object", 422);
  return object;
}
