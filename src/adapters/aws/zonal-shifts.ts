/**
 * ZonalShiftPort on ARC zonal shift's ListZonalShifts. The call goes through `send`, one page at a
 * time: in Lambda the ARC client (loaded on first use), in the sandbox the simulated region behind the
 * same IAM check as every other call.
 */
import { TerminalError } from "../../core/errors";
import type { ZonalShift, ZonalShiftPort } from "../../core/ports";

export interface ListZonalShiftsPage {
  items?: {
    resourceIdentifier?: string;
    awayFrom?: string;
    status?: string;
    expiryTime?: Date | string;
    comment?: string;
  }[];
  nextToken?: string;
}

export type ListZonalShiftsSend = (input: { status: "ACTIVE"; nextToken?: string }) => Promise<ListZonalShiftsPage>;

export class ArcZonalShiftAdapter implements ZonalShiftPort {
  constructor(private readonly send: ListZonalShiftsSend) {}

  async listActiveZonalShifts(): Promise<ZonalShift[]> {
    const shifts: ZonalShift[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.send({ status: "ACTIVE", ...(nextToken ? { nextToken } : {}) });
      for (const item of page.items ?? []) {
        if (!item.resourceIdentifier || !item.awayFrom) continue;
        shifts.push({
          resourceIdentifier: item.resourceIdentifier,
          awayFrom: item.awayFrom,
          status: item.status ?? "ACTIVE",
          ...(item.expiryTime ? { expiryTime: new Date(item.expiryTime) } : {}),
          ...(item.comment ? { comment: item.comment } : {}),
        });
      }
      nextToken = page.nextToken || undefined;
    } while (nextToken);
    return shifts;
  }
}

/** The package of ARC zonal shift's SDK client; loaded by name so that steps that never read shifts do not carry it. */
export const ARC_ZONAL_SHIFT_PACKAGE = "@aws-sdk/client-arc-zonal-shift";

/** Lambda's `send`: the ARC zonal shift client, built on the first call with the other clients' configuration. */
export function arcZonalShiftSend(config: object): ListZonalShiftsSend {
  // biome-ignore lint/suspicious/noExplicitAny: the client module is loaded by name at run time.
  let client: { send(command: unknown): Promise<any> } | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  let sdk: any;
  return async (input) => {
    if (!sdk) {
      const name = ARC_ZONAL_SHIFT_PACKAGE;
      sdk = await import(name).catch(() => {
        throw new TerminalError(
          `reading zonal shifts needs ${ARC_ZONAL_SHIFT_PACKAGE} in the function bundle; it is not installed`,
        );
      });
      client = new sdk.ARCZonalShiftClient(config);
    }
    return (client as { send(command: unknown): Promise<ListZonalShiftsPage> }).send(
      new sdk.ListZonalShiftsCommand(input),
    );
  };
}
