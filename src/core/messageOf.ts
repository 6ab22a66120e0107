/**
 * The text of anything a `catch` can receive: an Error's message, else the value as a string. It
 * does not redact: text that may hold a secret goes through the Redactor before anyone sees it.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
