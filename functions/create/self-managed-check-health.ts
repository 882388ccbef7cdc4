import { checkSelfManagedHealth } from "../../src/core/create/self-managed/health";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";
import { clusterReads, joinMaterialPort } from "./self-managed-lib";

export const handler = stepHandler<CreateState, "health", Awaited<ReturnType<typeof checkSelfManagedHealth>>>(
  "health",
  (deps, state) => {
    const cluster = state.validation?.spec.name ?? "";
    return checkSelfManagedHealth(
      creationPort(deps),
      joinMaterialPort(deps),
      clusterReads(deps, cluster),
      state,
      deps.clock.now(),
    );
  },
);
