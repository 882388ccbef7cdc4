import type { CreateState } from "../../src/core/create/state";
import { type CreateError, summarizeCreate } from "../../src/core/create/summarize";
import { stepHandler } from "../lib/step-handler";
import { creationPort } from "./lib";

export const handler = stepHandler<
  CreateState & { error?: CreateError },
  "summary",
  Awaited<ReturnType<typeof summarizeCreate>>
>("summary", (deps, state) => summarizeCreate(creationPort(deps), state, deps.clock.now()));
