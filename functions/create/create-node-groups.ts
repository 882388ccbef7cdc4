import { ensureNodeGroups } from "../../src/core/create/node-groups";
import type { CreateState } from "../../src/core/create/state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<CreateState, "nodeGroups", Awaited<ReturnType<typeof ensureNodeGroups>>>(
  "nodeGroups",
  (deps, state) => ensureNodeGroups(creationPort(deps), state),
);
