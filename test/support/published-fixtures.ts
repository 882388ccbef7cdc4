/**
 * Real samples published by AWS, Kubernetes, Slack and other projects, kept verbatim in
 * test/fixtures/published (sources and caveats in its SOURCES.md). Tests parse them as they are.
 */
import { fileURLToPath } from "node:url";

export const PUBLISHED_FIXTURES = fileURLToPath(new URL("../fixtures/published/", import.meta.url));

export function publishedFixture(relativePath: string): string {
  return `${PUBLISHED_FIXTURES}${relativePath}`;
}
