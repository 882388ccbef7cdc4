/**
 * Reads Tugboat's RBAC manifests (deploy/rbac.yaml, deploy/rbac-force-drain.yaml) from the repository,
 * for `tug connect` to apply and for the sandbox's API server to authorize against. The YAML loader is
 * @kubernetes/client-node's own (js-yaml), so no parser is added for it.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAllYaml } from "@kubernetes/client-node";
import { parseRbacObject, type RbacObject } from "../../core/connect/rbac";

const deployDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "deploy");

/** The manifest every cluster gets, and the optional one for forced drains. */
export const RBAC_MANIFEST_PATH = join(deployDir, "rbac.yaml");
export const FORCE_DRAIN_MANIFEST_PATH = join(deployDir, "rbac-force-drain.yaml");

export function parseRbacManifest(text: string, source: string): RbacObject[] {
  let documents: unknown[];
  try {
    documents = loadAllYaml(text);
  } catch (err) {
    throw new Error(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  return documents
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc, index) => parseRbacObject(doc, `${source} (document ${index + 1})`));
}

export function readRbacManifest(path: string): RbacObject[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read the RBAC manifest ${path}: ${(err as Error).message}`);
  }
  return parseRbacManifest(text, path);
}

/** What Tugboat ships: the base manifest, and with `forceDrain` the force-drain one after it. */
export function tugboatRbac(options: { forceDrain: boolean }): RbacObject[] {
  return [
    ...readRbacManifest(RBAC_MANIFEST_PATH),
    ...(options.forceDrain ? readRbacManifest(FORCE_DRAIN_MANIFEST_PATH) : []),
  ];
}
