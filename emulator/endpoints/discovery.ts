/** GET /oauth2/v2.1/certs (the JWKS) and GET /.well-known/openid-configuration. */

import type { Handler } from '../context';
import { json } from '../respond';

export const certs: Handler = (_ctx, state) => json(200, state.keys.jwks());

/** LINE's published discovery document, with this server's URLs. */
export const discovery: Handler = (_ctx, state) => {
  const { apiBaseUrl: api, authorizeBaseUrl } = state.urls;
  return json(200, {
    issuer: authorizeBaseUrl,
    authorization_endpoint: `${authorizeBaseUrl}/oauth2/v2.1/authorize`,
    token_endpoint: `${api}/oauth2/v2.1/token`,
    revocation_endpoint: `${api}/oauth2/v2.1/revoke`,
    userinfo_endpoint: `${api}/oauth2/v2.1/userinfo`,
    scopes_supported: ['openid', 'profile', 'email'],
    jwks_uri: `${api}/oauth2/v2.1/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['pairwise'],
    // As LINE publishes it: ES256 only, although web-login ID tokens are HS256 (a known pitfall).
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256'],
  });
};
