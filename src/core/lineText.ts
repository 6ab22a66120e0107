/**
 * Text that LINE or a browser redirect wrote (error, error_description, message) goes into messages,
 * logs and the result page as data: one printable line, capped, and never carrying a secret of the
 * request it answers (a proxy or a broken server may echo the request back).
 */

const MAX_LINE_TEXT_LENGTH = 300;

export function printableLineText(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Short values would mask ordinary words; every secret this project sends is longer.
    if (secret.length >= 8) {
      result = result.split(secret).join('[REDACTED]');
    }
  }
  result = result
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return result.length > MAX_LINE_TEXT_LENGTH ? `${result.slice(0, MAX_LINE_TEXT_LENGTH)}…` : result;
}
