import type { SSTConfig } from "sst";
import { ChatOps } from "./stacks/ChatOps";
import { Events } from "./stacks/Events";
import { DEFAULT_NODEJS_BUNDLING } from "./stacks/lib/bundling";
import { Rebalance } from "./stacks/Rebalance";
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
      nodejs: DEFAULT_NODEJS_BUNDLING,
    });
    app.stack(State).stack(Workflows).stack(Events).stack(ChatOps).stack(Rebalance);
  },
} satisfies SSTConfig;
