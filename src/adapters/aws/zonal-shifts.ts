/**
 * ZonalShiftPort on ARC zonal shift's ListZonalShifts. The call goes through `send`, one page at a
 * time: in Lambda a SigV4-signed GET of ARC's REST API (`arcZonalShiftSend`), in the sandbox the
 * simulated region behind the same IAM check as every other call.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { TerminalError } from "../../core/errors";
import type { ZonalShift, ZonalShiftPort } from "../../core/ports";

export interface ListZonalShiftsPage {
  items?: {
    resourceIdentifier?: string;
    awayFrom?: string;
    status?: string;
    /** A Date, an ISO string, or epoch seconds as ARC's REST API sends it. */
    expiryTime?: Date | string | number;
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
          ...(item.expiryTime !== undefined
            ? {
                expiryTime:
                  typeof item.expiryTime === "number" ? new Date(item.expiryTime * 1000) : new Date(item.expiryTime),
              }
            : {}),
          ...(item.comment ? { comment: item.comment } : {}),
        });
      }
      nextToken = page.nextToken || undefined;
    } while (nextToken);
    return shifts;
  }
}

/** ARC zonal shift's SigV4 signing name, and the host of its regional endpoint. */
export const ARC_ZONAL_SHIFT_SERVICE = "arc-zonal-shift";
export const arcZonalShiftHost = (region: string) => `${ARC_ZONAL_SHIFT_SERVICE}.${region}.amazonaws.com`;

/** RFC 3986 escaping, as SigV4 canonicalises query values (encodeURIComponent leaves !'()* alone). */
function escapeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** ListZonalShifts as ARC's REST API takes it: `GET /zonalshifts?status=ACTIVE&nextToken=…`, unsigned. */
export function listZonalShiftsRequest(region: string, input: { status: "ACTIVE"; nextToken?: string }): HttpRequest {
  const hostname = arcZonalShiftHost(region);
  return new HttpRequest({
    method: "GET",
    protocol: "https:",
    hostname,
    path: "/zonalshifts",
    // `host` must be present to be signed.
    headers: { host: hostname, accept: "application/json" },
    query: { status: input.status, ...(input.nextToken ? { nextToken: input.nextToken } : {}) },
  });
}

/** The URL a signed request goes to, its query in SigV4's canonical order and escaping. */
export function requestUrl(request: {
  protocol: string;
  hostname: string;
  path: string;
  query?: Record<string, string | (string | null)[] | null>;
}): string {
  const query = Object.entries(request.query ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${escapeRfc3986(key)}=${escapeRfc3986(value)}`)
    .join("&");
  return `${request.protocol}//${request.hostname}${request.path}${query ? `?${query}` : ""}`;
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface ArcZonalShiftSendOptions {
  region: string;
  /** The credentials the other clients resolved (their default provider chain). */
  credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  /** How the signed request is sent; global fetch by default. */
  fetch?: FetchLike;
  /** The signing time; now by default. */
  now?: () => Date;
}

/**
 * Lambda's `send`: a SigV4-signed HTTPS GET of ListZonalShifts (there is no SDK client among the
 * dependencies). A 429 or 5xx is thrown as a plain Error (the step's retry takes it); another 4xx,
 * such as a missing grant, is a TerminalError naming the status and ARC's message.
 */
export function arcZonalShiftSend(opts: ArcZonalShiftSendOptions): ListZonalShiftsSend {
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: ARC_ZONAL_SHIFT_SERVICE,
    sha256: Sha256,
  });
  const send: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  return async (input) => {
    const signed = await signer.sign(listZonalShiftsRequest(opts.region, input), {
      signingDate: opts.now?.() ?? new Date(),
    });
    // fetch sets Host from the URL itself (the same host that was signed).
    const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== "host"));
    const response = await send(requestUrl(signed), { method: signed.method, headers });
    const body = await response.text();
    if (!response.ok) {
      const message = `ListZonalShifts on ${signed.hostname}: HTTP ${response.status}: ${errorMessage(body)}`;
      throw response.status === 429 || response.status >= 500 ? new Error(message) : new TerminalError(message);
    }
    const page = JSON.parse(body) as ListZonalShiftsPage;
    return {
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      // REST JSON timestamps are epoch seconds.
      items: (page.items ?? []).map((item) =>
        typeof item.expiryTime === "number" ? { ...item, expiryTime: new Date(item.expiryTime * 1000) } : item,
      ),
    };
  };
}

function errorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string; Message?: string };
    return parsed.message ?? parsed.Message ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200) || "(no body)";
  }
}
