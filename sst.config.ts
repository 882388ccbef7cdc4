import type { SSTConfig } from "sst";
import { Events } from "./stacks/Events";
import { State } from "./stacks/State";
import { Workflows } from "./stacks/Workflows";

export default {
  config() {
    return { name: "tugboat", region: process.env.AWS_REGION ?? "us-east-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({
      runtime: "nodejs22.x",
      architecture: "arm_64",
      logRetention: "one_month",
      tracing: "active",
    });
    app.stack(State).stack(Workflows).stack(Events);
  },
} satisfies SSTConfig;
