/** Where a command writes: progress and errors to stderr, results to stdout (the JSON object is stdout's last line). */
export interface CliIO {
  stdout(line: string): void;
  stderr(line: string): void;
  /** True when stderr is a terminal that can redraw a live progress view. */
  interactive: boolean;
}

export const processIO: CliIO = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
};

/** Thrown for bad command-line usage; main prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A command: parses its own argv, returns the process exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;
