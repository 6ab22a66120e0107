/**
 * A form POST as LINE's endpoints take one (`application/x-www-form-urlencoded`). A redirect is
 * returned, not followed: tests look at where the consent page sends the browser, and LINE's API
 * endpoints answer without redirects.
 */
export function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}
