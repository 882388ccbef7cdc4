// A child process of `tug predict`: runs a share of the prediction's runs (src/sandbox/predict-worker.ts).
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
await import("../src/sandbox/predict-worker.ts");
