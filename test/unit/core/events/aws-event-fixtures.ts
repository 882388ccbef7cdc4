/**
 * Reads the published AWS event samples in test/fixtures/published/aws-events as Tugboat would receive them.
 * The files are never edited (SOURCES.md): templates get their shell expressions substituted here, and the
 * `Key: value` rendering of lifecycle-hook notifications is turned back into the JSON body SQS/SNS carry.
 */
import { readdirSync, readFileSync } from "node:fs";
import { publishedFixture } from "../../../support/published-fixtures";

export const AWS_EVENT_FIXTURES_DIR = publishedFixture("aws-events/");

/** What the NTH e2e heredoc's `$(date -u +"%Y-%m-%dT%TZ")` stands for in these tests. */
export const TEMPLATE_TIME = "2024-05-01T12:00:00Z";
const TEMPLATE_VARIABLES: Record<string, string> = { instance_id: "i-0123456789abcdef0" };

export function listAwsEventFixtures(): string[] {
  return readdirSync(AWS_EVENT_FIXTURES_DIR).sort();
}

/** `*.nth-e2e.json.tmpl`: a shell heredoc; `*.doc.json.tmpl`: `{{x}}` placeholders to unwrap. */
function substituteTemplate(text: string): string {
  return text
    .replace(/\$\(date [^)]*\)/g, TEMPLATE_TIME)
    .replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = TEMPLATE_VARIABLES[name];
      if (value === undefined) throw new Error(`template variable \${${name}} has no test value`);
      return value;
    })
    .replace(/\{\{([^{}]*)\}\}/g, "$1");
}

/** The doc shows a lifecycle notification as `Key: value` lines; the real message body is that JSON object. */
function keyValueLinesToJson(text: string): string {
  const body: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const colon = line.indexOf(": ");
    if (colon < 0) throw new Error(`not a "Key: value" line: ${line}`);
    body[line.slice(0, colon)] = line.slice(colon + 2).trim();
  }
  return JSON.stringify(body);
}

/** The fixture as the event text Tugboat would receive. */
export function loadAwsEventFixture(name: string): string {
  const text = readFileSync(`${AWS_EVENT_FIXTURES_DIR}${name}`, "utf8");
  if (name.endsWith(".json")) return text;
  if (name.endsWith(".json.tmpl")) return substituteTemplate(text);
  if (name.endsWith(".sqs-sns.txt")) return keyValueLinesToJson(text);
  throw new Error(`fixture ${name} has an extension this loader does not know`);
}
