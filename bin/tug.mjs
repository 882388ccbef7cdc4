#!/usr/bin/env node
// The `tug` command. TypeScript sources run through tsx, so a checkout works right after `npm install`.
import "./node-compat.mjs";
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
