// A child process of the scale run (bench/scale.ts): runs the roll alone, so its memory is its own.
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
// tsx turns on source maps for stack traces, and Node then keeps a map per loaded module (about 20 MB
// resident). The scale run measures the roll's memory, not the loader's: its errors carry stacks of
// the transpiled code instead.
process.setSourceMapsEnabled(false);
await import("../bench/scale-worker.ts");
