import { defineConfig } from "vitest/config";

/**
 * Test files that stub an AWS SDK client's prototype (aws-sdk-client-mock's `mockClient`). A stub
 * lives as long as the process, so these run in a fresh process each, where it cannot reach the
 * sandbox's real clients in the files that follow.
 */
const PROTOTYPE_STUBBING = [
  "test/unit/adapters/aws/**/*.test.ts",
  "test/unit/adapters/kube/access.test.ts",
  "test/unit/cli/remote.test.ts",
  "test/component/events/reaction-starter.test.ts",
];

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
