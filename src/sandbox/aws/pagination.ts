/**
 * NextToken pagination as the AWS APIs do it: an opaque token that only the service can read. The
 * token names the listing it belongs to, so a token from one listing is refused by another.
 */

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export class InvalidTokenError extends Error {}

function encode(listing: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listing, o: offset }), "utf8").toString("base64");
}

function decode(listing: string, token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { l?: unknown; o?: unknown };
    if (parsed.l === listing && typeof parsed.o === "number" && Number.isInteger(parsed.o) && parsed.o >= 0) {
      return parsed.o;
    }
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidTokenError(`The token '${token}' is invalid.`);
}

/** One page of `items` (already in the service's order). Throws InvalidTokenError for a foreign token. */
export function paginate<T>(listing: string, items: T[], pageSize: number, nextToken?: string): Page<T> {
  const offset = nextToken ? decode(listing, nextToken) : 0;
  const slice = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return next < items.length ? { items: slice, nextToken: encode(listing, next) } : { items: slice };
}
