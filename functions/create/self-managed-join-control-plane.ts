import { joinControlPlane } from "../../src/core/create/self-managed/control-plane";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { controlPlaneDeps } from "./self-managed-lib";

export const handler = stepHandler<CreateState, "selfManaged", Awaited<ReturnType<typeof joinControlPlane>>>(
  "selfManaged",
  (deps, state) => joinControlPlane(controlPlaneDeps(deps, state.validation?.spec.name ?? ""), state),
);
