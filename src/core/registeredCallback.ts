/**
 * LINE's rule for a redirect_uri against a channel's registered callback URLs: the registered URL
 * exactly, or with extra query parameters appended; the registered part is compared byte for byte,
 * and a fragment is never allowed (RFC 6749 §3.1.2). One home: the emulator enforces it and the
 * Inspector checks an app's requests against it.
 */
export function isRegisteredCallback(redirectUri: string, callbackUrls: readonly string[]): boolean {
  try {
    new URL(redirectUri);
  } catch {
    return false;
  }
  if (redirectUri.includes('#')) {
    return false;
  }
  return callbackUrls.some((registered) => {
    if (redirectUri === registered) {
      return true;
    }
    const separator = registered.includes('?') ? '&' : '?';
    return redirectUri.startsWith(registered + separator) && redirectUri.length > registered.length + 1;
  });
}
