/**
 * `tug events explain <event-file> [--json]`: reads one event (a file, or stdin for "-"), normalizes it and
 * prints what Tugboat would do about it. Touches nothing: no AWS, no cluster.
 * `argv` holds the arguments after `events explain`.
 */
import { readFile } from "node:fs/promises";
import { InvalidInputError } from "../../core/errors";
import { actionForEvent } from "../../core/events/action";
import { decisionSummary, describeDecision } from "../../core/events/describe";
import { parseEventText } from "../../core/events/parse";
import { type CliIO, type Command, UsageError } from "../io";

export const EVENTS_EXPLAIN_USAGE = "usage: tug events explain <event-file | -> [--json]";

export interface EventSourceReaders {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const processReaders: EventSourceReaders = {
  readFile: (path) => readFile(path, "utf8"),
  readStdin: readProcessStdin,
};

interface ExplainArgs {
  path: string;
  json: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): ExplainArgs {
  const positional: string[] = [];
  let json = false;
  let help = false;
  for (const arg of argv) {
    if (arg === "--json") json = true;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}\n${EVENTS_EXPLAIN_USAGE}`);
    else positional.push(arg);
  }
  if (help) return { path: "", json, help };
  const [path, ...extra] = positional;
  if (path === undefined) throw new UsageError(`missing <event-file>\n${EVENTS_EXPLAIN_USAGE}`);
  if (extra.length > 0)
    throw new UsageError(`one event file at a time, got ${positional.length}\n${EVENTS_EXPLAIN_USAGE}`);
  return { path, json, help };
}

/** Builds the command with its readers, so tests can feed stdin and files without touching the disk. */
export function createEventsExplainCommand(readers: EventSourceReaders = processReaders): Command {
  return async (argv: string[], io: CliIO): Promise<number> => {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout(EVENTS_EXPLAIN_USAGE);
      return 0;
    }
    const label = args.path === "-" ? "stdin" : args.path;
    let text: string;
    try {
      text = args.path === "-" ? await readers.readStdin() : await readers.readFile(args.path);
    } catch (err) {
      io.stderr(`tug events explain: cannot read ${label}: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    let decision: ReturnType<typeof actionForEvent>;
    try {
      decision = actionForEvent(parseEventText(text));
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      io.stderr(`tug events explain: ${label} is ${err.message}`);
      return 1;
    }
    io.stdout(describeDecision(decision));
    if (args.json) io.stdout(JSON.stringify(decisionSummary(decision)));
    return 0;
  };
}

export const eventsExplainCommand: Command = createEventsExplainCommand();
