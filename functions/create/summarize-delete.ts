import type { DeleteState } from "../../src/core/create/delete-state";
import { summarizeDelete } from "../../src/core/create/delete-state";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<DeleteState, "summary", Awaited<ReturnType<typeof summarizeDelete>>>(
  "summary",
  (deps, state) => summarizeDelete(creationPort(deps), state, deps.clock.now()),
);
