/**
 * EC2 launch templates and their numbered versions. Versions are immutable once created; a new
 * version starts from a source version's data and overrides what the request sets, as
 * CreateLaunchTemplateVersion does.
 */
import type { LaunchTemplateData, LaunchTemplateVersionRecord, SimLaunchTemplate } from "./model";

/**
 * Resolves "$Latest", "$Default" or a version number to the version record, or undefined when the
 * template has no such version.
 */
export function resolveVersion(
  template: SimLaunchTemplate,
  spec: string | number | undefined,
): LaunchTemplateVersionRecord | undefined {
  const text = spec === undefined ? "$Default" : String(spec);
  let number: number;
  if (text === "$Latest") number = latestVersionNumber(template);
  else if (text === "$Default") number = template.defaultVersion;
  else if (/^\d+$/.test(text)) number = Number(text);
  else return undefined;
  return template.versions.find((version) => version.versionNumber === number);
}

export function latestVersionNumber(template: SimLaunchTemplate): number {
  return template.versions.reduce((max, version) => Math.max(max, version.versionNumber), 0);
}

export function addVersion(
  template: SimLaunchTemplate,
  data: LaunchTemplateData,
  createdMs: number,
  createdBy: string,
  description?: string,
): LaunchTemplateVersionRecord {
  const record: LaunchTemplateVersionRecord = {
    versionNumber: latestVersionNumber(template) + 1,
    description,
    createdMs,
    createdBy,
    data: structuredClone(data),
  };
  template.versions.push(record);
  return record;
}

/** A new version's data: the source version's data with the request's fields laid over it. */
export function mergeTemplateData(
  source: LaunchTemplateData | undefined,
  overrides: LaunchTemplateData,
): LaunchTemplateData {
  const merged: LaunchTemplateData = structuredClone(source ?? {});
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = structuredClone(value);
  }
  return merged;
}
