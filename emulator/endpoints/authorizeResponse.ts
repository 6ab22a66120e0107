/**
 * Delivering the authorization response (a code, or an authorize error) to the app's callback in
 * the requested response_mode. README ledger L13: in the JWT modes (JARM) the parameters travel
 * inside one `response` JWT signed with the key published in the JWKS.
 */

import type { ClientRedirect } from '../errors';
import { toClient } from '../respond';
import type { Reply } from '../respond';
import type { EmulatorState } from '../state';

/** JARM §2.1: a short-lived token; 10 minutes like the code it carries. */
const RESPONSE_JWT_LIFETIME_SECONDS = 600;

export async function authorizationResponse(
  state: EmulatorState,
  target: ClientRedirect,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const { mode } = target;
  if (mode === 'query' || mode === 'form_post') {
    return toClient(target.redirectUri, mode, params, headers);
  }
  const channel = state.directory.channel(target.clientId);
  if (channel === undefined) {
    throw new TypeError('authorization response: the channel was verified before.');
  }
  const iat = state.clock.nowSeconds();
  const response = await state.keys.sign(
    channel,
    { iss: state.urls.authorizeBaseUrl, aud: target.clientId, exp: iat + RESPONSE_JWT_LIFETIME_SECONDS, ...params },
    'ES256',
    undefined,
  );
  // JARM §2.3.4: `jwt` means the default mode of the response type, `query.jwt` for code.
  return toClient(target.redirectUri, mode === 'form_post.jwt' ? 'form_post' : 'query', { response }, headers);
}
