#!/usr/bin/env node
// `npm run bench`: strategies side by side in the sandbox. TypeScript sources run through tsx, like `tug`.
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
const { main } = await import("../bench/run.ts");
process.exitCode = await main(process.argv.slice(2));
