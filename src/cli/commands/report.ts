/** `tug report <execution-arn> [--out <file.html>]`: the HTML report of a deployed execution, from its history. */
import { SFNClient } from "@aws-sdk/client-sfn";
import { parseCommand } from "../args";
import type { CliIO, Command } from "../io";
import { UsageError } from "../io";
import { executionNameOf, reportOfExecution } from "../report/execution-report";
import { writeReport } from "../report/write";

const USAGE = "tug report <execution-arn> [--out <file.html>]";

export function createReportCommand(client: () => SFNClient = () => new SFNClient({})): Command {
  return async (argv: string[], io: CliIO): Promise<number> => {
    const { values, positionals } = parseCommand(argv, { out: { type: "string" } }, USAGE);
    const [arn, ...extra] = positionals;
    if (!arn || !/^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:/.test(arn)) {
      throw new UsageError(
        `expected a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>), got "${arn ?? ""}"\nusage: ${USAGE}`,
      );
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"\nusage: ${USAGE}`);
    const report = await reportOfExecution(client(), arn);
    const out = values.out ?? `reports/${executionNameOf(arn)}.html`;
    writeReport(out, report);
    io.stdout(`${report.title}: ${report.outcome}${report.failure ? `: ${report.failure.reason}` : ""}`);
    io.stdout(`report: ${out}`);
    return 0;
  };
}

export const reportCommand: Command = createReportCommand();
