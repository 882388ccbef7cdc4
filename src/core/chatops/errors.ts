/** One line for a caught error, whatever was thrown. */
export function messageOfError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
