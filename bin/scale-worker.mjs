// A child process of the scale run (bench/scale.ts): runs the roll alone, so its memory is its own.
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
await import("../bench/scale-worker.ts");
