/**
 * One page of an EKS list call (`maxResults` 1–100, default 100; `nextToken`), with the error EKS gives
 * for a token it did not issue. Shared by the EKS cluster, add-on and access-entry handlers.
 */
import { eksError } from "./errors";
import { type CommandInput, pageSize } from "./input";
import { InvalidTokenError, type Page, paginate } from "./pagination";

export function eksPage<T>(listing: string, items: T[], input: CommandInput): Page<T> {
  const size = pageSize("eks", input, "maxResults", { min: 1, max: 100, fallback: 100 });
  try {
    return paginate(listing, items, size, typeof input.nextToken === "string" ? input.nextToken : undefined);
  } catch (err) {
    if (err instanceof InvalidTokenError) throw eksError("InvalidParameterException", "The nextToken is invalid.");
    throw err;
  }
}
