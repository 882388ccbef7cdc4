/**
 * Synthesizes Tugboat's SST app offline, the way `sst deploy` does: sst.config.ts is loaded through
 * SST's own bundling loader (so the stacks run from a bundle at the project root, as in a deploy), then
 * its stacks() runs on a fresh App. NODE_ENV=test (set by vitest) keeps SST from calling AWS.
 *
 * `bundle: false` marks every stack inactive, as `sst deploy <other stack>` does: functions get
 * placeholder code (and SST's placeholder runtime and handler) instead of an esbuild bundle, and
 * everything else (IAM, state machines, VPC) is synthesized the same. It turns minutes of bundling into
 * a second. `bundle: ["Events"]` keeps only the stacks named active, as `sst deploy Events` does: SST
 * bundles and packages their functions only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { App, type FunctionProps, Stack, useFunctions } from "sst/constructs";
import { initProject, useProject } from "sst/project.js";
import { load } from "sst/stacks/build.js";
import { SETTING_NAMES } from "../../stacks/lib/settings";

export interface SynthesisOptions {
  stage: string;
  /** Deployment settings (stacks/lib/settings.ts); names left out are unset for the synthesis. */
  settings: Partial<Record<keyof typeof SETTING_NAMES, string>>;
  /** Every stack bundled (true), none (false), or only the stacks named ("Events", "ChatOps", …). */
  bundle: boolean | readonly StackName[];
}

export type StackName = "State" | "Workflows" | "Events" | "ChatOps" | "Rebalance";

export interface SynthesizedApp {
  app: App;
  state: Template;
  workflows: Template;
  events: Template;
  chatops: Template;
  /**
   * What SST's deploy build is handed for each function (handler, runtime, `nodejs` props, after the
   * app's defaults are merged), by the function construct's address (`fn.node.addr`).
   */
  functions: Record<string, FunctionProps>;
  /** Where SST put each function's build output (SST's artifacts directory, one directory per function). */
  artifacts: string;
  /** Removes the bundles and the cloud assembly (a few hundred MB when bundled). */
  dispose: () => void;
}

export async function synthesizeTugboat(options: SynthesisOptions): Promise<SynthesizedApp> {
  let out: string | undefined;
  const saved = new Map(Object.values(SETTING_NAMES).map((name) => [name, process.env[name]]));
  try {
    for (const [key, name] of Object.entries(SETTING_NAMES)) {
      const value = options.settings[key as keyof typeof SETTING_NAMES];
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await initProject({ stage: options.stage });
    // Build output of this synthesis only: test files run in parallel processes and must not share it.
    const dir = mkdtempSync(join(tmpdir(), "tugboat-synth-"));
    out = dir;
    const project = useProject();
    project.paths.out = dir;
    project.paths.artifacts = join(dir, "artifacts");

    const [, config] = await load(project.paths.config);
    const app = new App(
      {
        mode: "deploy",
        stage: options.stage,
        name: "tugboat",
        region: "us-east-1",
        ...activeStacks(options.stage, options.bundle),
      },
      { outdir: join(dir, "cdk.out") },
    );
    await config.stacks(app);
    await app.finish();
    const functions = { ...useFunctions().all };
    return {
      app,
      state: Template.fromStack(stackNamed(app, `${options.stage}-tugboat-State`)),
      workflows: Template.fromStack(stackNamed(app, `${options.stage}-tugboat-Workflows`)),
      events: Template.fromStack(stackNamed(app, `${options.stage}-tugboat-Events`)),
      chatops: Template.fromStack(stackNamed(app, `${options.stage}-tugboat-ChatOps`)),
      functions,
      artifacts: project.paths.artifacts,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    if (out) rmSync(out, { recursive: true, force: true });
    throw err;
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function activeStacks(stage: string, bundle: SynthesisOptions["bundle"]) {
  if (bundle === true) return {};
  if (bundle === false) return { isActiveStack: () => false };
  const active = new Set(bundle.map((name) => `${stage}-tugboat-${name}`));
  return { isActiveStack: (stackName: string) => active.has(stackName) };
}

function stackNamed(app: App, name: string): Stack {
  const stacks = app.node.children.filter((child): child is Stack => child instanceof Stack);
  const found = stacks.find((stack) => stack.stackName === name);
  if (!found) throw new Error(`no stack ${name}; the app has ${stacks.map((s) => s.stackName).join(", ")}`);
  return found;
}
