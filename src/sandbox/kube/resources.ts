/**
 * Resource requests and allocatable capacity, in the units the capacity measure adds up: CPU in
 * millicores, memory in MiB. Quantities follow Kubernetes' notation ("250m", "1.5", "256Mi",
 * "1Gi", "512M"); a plain number is cores for CPU and bytes for memory.
 */
import type { ScenarioWorkload } from "../scenario/schema";

export interface Resources {
  cpuMillis: number;
  memoryMiB: number;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export function cpuMillis(quantity: number | string): number {
  if (typeof quantity === "number") return quantity * 1000;
  if (quantity.endsWith("m")) return Number(quantity.slice(0, -1));
  return Number(quantity) * 1000;
}

export function memoryMiB(quantity: number | string): number {
  if (typeof quantity === "number") return quantity / 2 ** 20;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(quantity);
  if (!match)
    throw new Error(`memory quantity "${quantity}": expected a number with an optional unit such as Mi or Gi`);
  const value = Number(match[1]);
  const unit = match[2];
  const bytes = unit === undefined ? value : unit === "m" ? value / 1000 : value * (BINARY[unit] ?? DECIMAL[unit] ?? 1);
  return bytes / 2 ** 20;
}

/** One pod's requests. */
export function podRequests(spec: ScenarioWorkload): Resources {
  return { cpuMillis: cpuMillis(spec.requests.cpu), memoryMiB: memoryMiB(spec.requests.memory) };
}
