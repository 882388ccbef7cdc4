// A vitest reporter that writes each test file's duration (its tests and hooks, beforeAll included,
// which the JSON reporter leaves out) to the file TUGBOAT_FILE_DURATIONS names, slowest first.
// scripts/run-tests.mjs prints the head of it.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";

export default class FileDurationsReporter {
  onInit(vitest) {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules) {
    const target = process.env.TUGBOAT_FILE_DURATIONS;
    if (!target) return;
    const files = testModules
      .map((module) => ({
        file: relative(this.root, module.moduleId),
        project: module.project.name,
        seconds: module.diagnostic().duration / 1000,
      }))
      .sort((a, b) => b.seconds - a.seconds);
    writeFileSync(target, JSON.stringify(files, null, 1));
  }
}
