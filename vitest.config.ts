import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Test files that stub an AWS SDK client's prototype (aws-sdk-client-mock's `mockClient`). A stub
 * lives as long as the process, so these run in a fresh process each, where it cannot reach the
 * sandbox's real clients in the files that follow. Found by what they import, so a new one cannot be
 * forgotten here.
 */
const ROOT = dirname(fileURLToPath(import.meta.url));
const PROTOTYPE_STUBBING = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".test.ts"))
  .filter((file) => readFileSync(join(ROOT, "test", file), "utf8").includes("aws-sdk-client-mock"))
  .map((file) => `test/${file.split(sep).join("/")}`)
  .sort();

export default defineConfig({
  test: {
    environment: "node",
    env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
    // A guard against hangs, not a speed check: with two workers on two cores (and a shared machine) the
    // large-scenario rolls take several times their CPU time in wall time.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Both cores: a worker spends part of its time waiting on loopback HTTP and esbuild.
    maxWorkers: 2,
    // Labels sandbox IAM recordings with the running test (used only when TUGBOAT_IAM_RECORD is set).
    setupFiles: ["test/support/iam-label.ts"],
    projects: [
      {
        extends: true,
        test: { name: "isolated", include: PROTOTYPE_STUBBING, isolate: true },
      },
      {
        // Every other file shares its worker's loaded modules (the AWS SDK, the Kubernetes client, the
        // ASL interpreter): importing them afresh per file cost more than the tests themselves. Each
        // test builds its own sandbox, so nothing a test sees is left by another file.
        extends: true,
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: PROTOTYPE_STUBBING, isolate: false },
      },
    ],
  },
});
