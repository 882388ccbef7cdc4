// A child process of `tug predict`: runs a share of the prediction's runs (src/sandbox/predict-worker.ts).
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
// tsx turns on source maps for stack traces; Node then keeps a map per module and maps every stack a
// run's errors (refused evictions, throttled calls) capture. A prediction reports figures, not stacks.
process.setSourceMapsEnabled(false);
await import("../src/sandbox/predict-worker.ts");
