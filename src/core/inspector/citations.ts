/** Where each check's rule is written down: the RFC or OIDC section, or LINE's own page. */
import type { Citation } from './model';

const LINE_REF = 'https://developers.line.biz/en/reference/line-login/';
const LINE_WEB = 'https://developers.line.biz/en/docs/line-login/integrate-line-login/';

function rfc(number: number, section: string): Citation {
  return { label: `RFC ${number} §${section}`, url: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}` };
}

function oidc(section: string, anchor: string): Citation {
  return { label: `OIDC Core §${section}`, url: `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}` };
}

export const CITE = {
  authorizeRequest: {
    label: 'LINE: Making an authorization request',
    url: `${LINE_WEB}#making-an-authorization-request`,
  },
  callbackUrl: { label: 'LINE: Setting a callback URL', url: `${LINE_WEB}#setting-callback-url` },
  receivingCode: {
    label: 'LINE: Receiving the authorization code',
    url: `${LINE_WEB}#receiving-the-authorization-code`,
  },
  emailPermission: { label: 'LINE: Applying for email permission', url: `${LINE_WEB}#applying-for-email-permission` },
  autoLogin: {
    label: 'LINE: How to handle auto login failure',
    url: 'https://developers.line.biz/en/docs/line-login/how-to-handle-auto-login-failure/',
  },
  pkce: {
    label: 'LINE: PKCE support for LINE Login',
    url: 'https://developers.line.biz/en/docs/line-login/integrate-pkce/',
  },
  addFriend: {
    label: 'LINE: Add a LINE Official Account as a friend when logged in',
    url: 'https://developers.line.biz/en/docs/line-login/link-a-bot/',
  },
  verifyIdTokenDoc: {
    label: 'LINE: Get profile information from ID tokens',
    url: 'https://developers.line.biz/en/docs/line-login/verify-id-token/',
  },
  managingTokens: {
    label: 'LINE: Managing access tokens',
    url: 'https://developers.line.biz/en/docs/line-login/managing-access-tokens/',
  },
  issueToken: { label: 'LINE Login v2.1 API reference: Issue access token', url: `${LINE_REF}#issue-access-token` },
  verifyAccessToken: {
    label: 'LINE Login v2.1 API reference: Verify access token',
    url: `${LINE_REF}#verify-access-token`,
  },
  refreshToken: {
    label: 'LINE Login v2.1 API reference: Refresh access token',
    url: `${LINE_REF}#refresh-access-token`,
  },
  revokeToken: { label: 'LINE Login v2.1 API reference: Revoke access token', url: `${LINE_REF}#revoke-access-token` },
  verifyIdToken: { label: 'LINE Login v2.1 API reference: Verify ID token', url: `${LINE_REF}#verify-id-token` },
  friendship: {
    label: 'LINE Login v2.1 API reference: Get friendship status',
    url: `${LINE_REF}#get-friendship-status`,
  },
  statusCodes: { label: 'LINE Login v2.1 API reference: Status codes', url: `${LINE_REF}#status-codes` },
  rateLimits: { label: 'LINE Login v2.1 API reference: Rate limits', url: `${LINE_REF}#rate-limits` },
  responseHeaders: { label: 'LINE Login v2.1 API reference: Response headers', url: `${LINE_REF}#response-headers` },
  rfc6749AuthRequest: rfc(6749, '4.1.1'),
  rfc6749AuthError: rfc(6749, '4.1.2.1'),
  rfc6749TokenRequest: rfc(6749, '4.1.3'),
  rfc6749TokenResponse: rfc(6749, '5.1'),
  rfc6749TokenError: rfc(6749, '5.2'),
  rfc6749Scope: rfc(6749, '3.3'),
  rfc6749Csrf: rfc(6749, '10.12'),
  rfc7636Challenge: rfc(7636, '4.2'),
  rfc7636Verifier: rfc(7636, '4.5'),
  rfc8252Loopback: rfc(8252, '7.3'),
  rfc9700Pkce: rfc(9700, '2.1.1'),
  rfc9700Csrf: rfc(9700, '4.7.1'),
  rfc9700RedirectUri: rfc(9700, '4.1.3'),
  oidcAuthRequest: oidc('3.1.2.1', 'AuthRequest'),
  oidcIdTokenValidation: oidc('3.1.3.7', 'IDTokenValidation'),
  oidcNonce: oidc('15.5.2', 'NonceNotes'),
} as const satisfies Record<string, Citation>;
