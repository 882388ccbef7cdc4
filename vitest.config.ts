import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Labels sandbox IAM recordings with the running test (used only when TUGBOAT_IAM_RECORD is set).
    setupFiles: ["test/support/iam-label.ts"],
  },
});
