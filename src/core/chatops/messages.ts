/**
 * What Tugboat says in Slack (Block Kit): the approval request with its two buttons (each carrying only
 * the approval id), the decided approval, and the run's progress message and final summary.
 */
import { APPROVE_ACTION, type ApprovalRecord, REJECT_ACTION } from "./approval";

export interface RenderedMessage {
  text: string;
  blocks: unknown[];
}

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string) => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/** A Slack user as a mention; anyone else (a CLI user, "cli:alice") as their name. */
function who(id: string | undefined): string {
  return id && /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : `\`${id ?? "unknown"}\``;
}

export function approvalRequestMessage(record: ApprovalRecord): RenderedMessage {
  const text = `Approval needed: ${record.what} (run ${record.runId}), asked by ${who(record.requestedBy)}; expires ${record.expiresAt}`;
  return {
    text,
    blocks: [
      section(
        `:raised_hand: *Approval needed*: ${record.what}\nRun \`${record.runId}\`, asked by ${who(record.requestedBy)}.`,
      ),
      {
        type: "actions",
        block_id: "tug-approval",
        elements: [
          {
            type: "button",
            action_id: APPROVE_ACTION,
            style: "primary",
            text: { type: "plain_text", text: "Approve" },
            value: record.approvalId,
          },
          {
            type: "button",
            action_id: REJECT_ACTION,
            style: "danger",
            text: { type: "plain_text", text: "Reject" },
            value: record.approvalId,
          },
        ],
      },
      context(
        `Nothing of this changes before an approval. Expires ${record.expiresAt}; the requester cannot approve. From a terminal: \`tug approve ${record.runId}\` [--reject].`,
      ),
    ],
  };
}

export function decidedApprovalMessage(record: ApprovalRecord): RenderedMessage {
  const how =
    record.status === "approved"
      ? `:white_check_mark: approved by ${who(record.decidedBy)}`
      : record.status === "rejected"
        ? `:no_entry: rejected by ${who(record.decidedBy)}: it does not go ahead`
        : ":alarm_clock: expired: nobody approved in time, it does not go ahead";
  const text = `${record.what} (run ${record.runId}): ${how}`;
  return { text, blocks: [section(text)] };
}

export interface ProgressView {
  what: string;
  runId: string;
  status: string;
  phase: string;
  replacedByZone: Record<string, number>;
  nodesReplaced: number;
  nodesToReplace?: number;
  /** Said instead of the node counts (an upgrade's phases). */
  detail?: string;
  etaSeconds?: number;
  outcome?: string;
  reason?: string;
  link: string;
}

const ICON: Record<string, string> = {
  running: ":arrows_counterclockwise:",
  succeeded: ":white_check_mark:",
  failed: ":x:",
  refused: ":no_entry:",
  aborted: ":octagonal_sign:",
};

export function progressMessage(view: ProgressView): RenderedMessage {
  const zones = Object.entries(view.replacedByZone)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([zone, n]) => `${zone} ${n}`)
    .join(", ");
  const nodes =
    view.detail ??
    `${view.nodesReplaced}${view.nodesToReplace !== undefined ? `/${view.nodesToReplace}` : ""} nodes replaced${zones ? ` (${zones})` : ""}`;
  if (view.outcome) {
    const text = `${ICON[view.outcome] ?? ""} ${view.what}: ${view.outcome}${view.reason ? `: ${view.reason}` : ""}; ${nodes}. Run ${view.runId}`;
    return {
      text,
      blocks: [
        section(
          `${ICON[view.outcome] ?? ""} *${view.what}*: *${view.outcome}*${view.reason ? `\n${view.reason}` : ""}`,
        ),
        context(`${nodes} · <${view.link}|execution ${view.runId}>`),
      ],
    };
  }
  // Minutes while close, five-minute steps before: an estimate that moves each minute is not news.
  const minutes = view.etaSeconds !== undefined ? Math.max(1, Math.round(view.etaSeconds / 60)) : undefined;
  const eta = minutes === undefined ? "" : `; about ${minutes > 10 ? Math.ceil(minutes / 5) * 5 : minutes} min left`;
  const text = `${ICON.running} ${view.what}: ${view.phase}; ${nodes}${eta}. Run ${view.runId}`;
  return {
    text,
    blocks: [
      section(`${ICON.running} *${view.what}*: ${view.phase}`),
      context(`${nodes}${eta} · <${view.link}|execution ${view.runId}>`),
    ],
  };
}
