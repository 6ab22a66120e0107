/**
 * The Doctor: from a recorded flow to one diagnosis with a stable code, the evidence from the trace
 * and the fix. Rules run most specific first; a flow that went well gets none.
 */
import { CITE } from './citations';
import type { Check, Diagnosis, DiagnosisCode, Flow, Step } from './model';

type Rule = (flow: Flow) => Diagnosis | undefined;

function step(flow: Flow, name: Step['name']): Step | undefined {
  return flow.steps.find((candidate) => candidate.name === name);
}

function failedCheck(
  flow: Flow,
  id: string,
  verdicts: Check['verdict'][] = ['fail'],
): { step: Step; check: Check } | undefined {
  for (const candidate of flow.steps) {
    const found = candidate.checks.find((c) => c.id === id && verdicts.includes(c.verdict));
    if (found !== undefined) {
      return { step: candidate, check: found };
    }
  }
  return undefined;
}

function field(step: Step | undefined, name: string): string | undefined {
  const value = step?.response?.fields[name];
  return typeof value === 'string' ? value : undefined;
}

function requestId(step: Step | undefined): string[] {
  return step?.response?.lineRequestId === undefined ? [] : [`x-line-request-id: ${step.response.lineRequestId}`];
}

function diagnosis(code: DiagnosisCode, title: string, evidence: string[], fix: string, docUrl: string): Diagnosis {
  return { code, title, evidence, fix, docUrl };
}

/**
 * `expected` and `actual` with the first differing character and the rest marked: `http://localhost:3000[/]`.
 * Plain text: brackets, never Markdown.
 */
export function markDifference(expected: string, actual: string): { expected: string; actual: string } {
  let start = 0;
  while (start < expected.length && start < actual.length && expected[start] === actual[start]) {
    start += 1;
  }
  let end = 0;
  while (
    end < expected.length - start &&
    end < actual.length - start &&
    expected[expected.length - 1 - end] === actual[actual.length - 1 - end]
  ) {
    end += 1;
  }
  const mark = (text: string): string =>
    `${text.slice(0, start)}[${text.slice(start, text.length - end)}]${text.slice(text.length - end)}`;
  return { expected: mark(expected), actual: mark(actual) };
}

/** Variants developers register by mistake, to name in the evidence. */
function callbackVariants(redirectUri: string): string[] {
  try {
    const url = new URL(redirectUri);
    const variants = new Set<string>();
    variants.add(redirectUri.endsWith('/') ? redirectUri.slice(0, -1) : `${redirectUri}/`);
    if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') {
      const other = new URL(redirectUri);
      other.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
      variants.add(other.toString());
    }
    const scheme = new URL(redirectUri);
    scheme.protocol = url.protocol === 'http:' ? 'https:' : 'http:';
    variants.add(scheme.toString());
    variants.delete(redirectUri);
    return [...variants];
  } catch {
    return [];
  }
}

const redirectUriMismatch: Rule = (flow) => {
  const authorize = step(flow, 'authorize');
  const sent = authorize?.request?.params.redirect_uri;
  const probe = step(flow, 'authorizeProbe');
  if (sent !== undefined && probe?.response?.status === 400) {
    return diagnosis(
      'REDIRECT_URI_MISMATCH',
      'LINE does not know this callback URL',
      [
        `redirect_uri sent: ${sent}`,
        `LINE answered the authorize URL with its 400 page (${probe.response.status}) instead of redirecting back.`,
        `Often registered instead: ${callbackVariants(sent).join(' , ')}`,
      ],
      `Add exactly ${sent} as a callback URL on the channel's LINE Login tab (LINE compares scheme, host, port and path character for character), or change the channel's callback URL here to the one registered.`,
      CITE.callbackUrl.url,
    );
  }
  const token = step(flow, 'token');
  const tokenRedirect = token?.request?.params.redirect_uri;
  if (sent !== undefined && tokenRedirect !== undefined && tokenRedirect !== sent) {
    const marked = markDifference(sent, tokenRedirect);
    return diagnosis(
      'REDIRECT_URI_MISMATCH',
      'The token request used a different redirect_uri',
      [
        `authorize redirect_uri: ${marked.expected}`,
        `token redirect_uri:     ${marked.actual}`,
        ...(field(token, 'error') === undefined ? [] : [`LINE answered error=${field(token, 'error') ?? ''}`]),
        ...requestId(token),
      ],
      'Send the token request the very redirect_uri of the authorize request (RFC 6749 §4.1.3).',
      CITE.issueToken.url,
    );
  }
  if (flow.error?.code === 'ERR_REDIRECT_URL_INVALID' && sent !== undefined) {
    return diagnosis(
      'REDIRECT_URI_MISMATCH',
      'The pasted URL is not the registered callback URL',
      [`redirect_uri sent: ${sent}`, flow.error.message],
      'Paste the whole URL the browser showed after signing in; it must start with the callback URL.',
      CITE.callbackUrl.url,
    );
  }
  return undefined;
};

const callbackNotReceived: Rule = (flow) => {
  const authorize = step(flow, 'authorize');
  const code = flow.error?.code;
  if (
    authorize === undefined ||
    step(flow, 'callback') !== undefined ||
    (code !== 'ERR_CALLBACK_TIMEOUT' && code !== 'ERR_CANCELLED')
  ) {
    return undefined;
  }
  const sent = authorize.request?.params.redirect_uri ?? '';
  let port = '';
  try {
    port = new URL(sent).port;
  } catch {
    port = '';
  }
  return diagnosis(
    'CALLBACK_NOT_RECEIVED',
    'The browser never came back to the callback URL',
    [
      `Waited on ${sent}${port === '' ? '' : ` (port ${port})`}; ${code === 'ERR_CANCELLED' ? 'the sign-in was cancelled' : 'the wait timed out'} with no callback.`,
      ...(step(flow, 'authorizeProbe')?.response === undefined
        ? []
        : [`LINE accepted the authorize URL (${step(flow, 'authorizeProbe')?.response?.status ?? ''}).`]),
    ],
    `Check that ${sent} is registered on the channel's LINE Login tab, that nothing else holds port ${port || 'of the callback URL'}, and that the browser runs on this machine; if it runs elsewhere (remote, WSL, a phone), use "Sign In (Paste Redirected URL)".`,
    CITE.callbackUrl.url,
  );
};

function callbackError(flow: Flow): string | undefined {
  return step(flow, 'callback')?.request?.params.error;
}

const consentDenied: Rule = (flow) => {
  const error = callbackError(flow);
  if (error?.toLowerCase() !== 'access_denied') {
    return undefined;
  }
  return diagnosis(
    'CONSENT_DENIED',
    'The user declined (or cancelled) the consent screen',
    [
      `callback error=${error}`,
      ...(step(flow, 'callback')?.request?.params.error_description === undefined
        ? []
        : [`error_description=${step(flow, 'callback')?.request?.params.error_description ?? ''}`]),
    ],
    'Nothing is wrong with the channel. Sign in again and allow the requested permissions; ask only for the scopes you need.',
    CITE.receivingCode.url,
  );
};

const autoLoginFailed: Rule = (flow) => {
  const error = callbackError(flow)?.toLowerCase();
  if (error !== 'login_required' && error !== 'interaction_required') {
    return undefined;
  }
  const prompt = step(flow, 'authorize')?.request?.params.prompt;
  return diagnosis(
    'AUTO_LOGIN_FAILED',
    'Auto login (prompt=none) could not sign the user in silently',
    [`callback error=${callbackError(flow) ?? ''}`, `prompt=${prompt ?? '(not sent)'}`],
    'Sign in again without prompt=none so LINE can show its login or consent screen.',
    CITE.autoLogin.url,
  );
};

const stateMismatch: Rule = (flow) => {
  const failed = failedCheck(flow, 'callback.state');
  if (failed === undefined) {
    return undefined;
  }
  return diagnosis(
    'STATE_MISMATCH',
    'The callback belongs to another sign-in attempt',
    [failed.check.explanation, `error code: ${flow.error?.code ?? ''}`],
    'Start a new sign-in and finish it in the tab it opens; close older LINE Login tabs. If auto login sends users back without a state, add disable_auto_login=true.',
    CITE.autoLogin.url,
  );
};

const invalidClient: Rule = (flow) => {
  const token = flow.steps.find(
    (s) =>
      (s.name === 'token' || s.name === 'refresh' || s.name === 'revoke') &&
      s.response !== undefined &&
      s.response.status >= 400,
  );
  const error = field(token, 'error');
  const description = field(token, 'error_description');
  if (flow.error?.code !== 'ERR_LINE_INVALID_CLIENT' && error !== 'invalid_client') {
    return undefined;
  }
  return diagnosis(
    'INVALID_CLIENT',
    'LINE did not accept the channel ID or channel secret',
    [
      `client_id sent: ${token?.request?.params.client_id ?? flow.channelId ?? '(none)'}`,
      `LINE answered ${token?.response?.status ?? ''} error=${error ?? ''}${description === undefined ? '' : ` (${description})`}`,
      ...requestId(token),
    ],
    'Copy the channel ID and channel secret again from the LINE Developers Console (your channel → Basic settings); a reissued secret replaces the old one.',
    CITE.issueToken.url,
  );
};

const rateLimited: Rule = (flow) => {
  const limited = flow.steps.find((s) => s.response?.status === 429);
  if (limited === undefined) {
    return undefined;
  }
  return diagnosis(
    'RATE_LIMITED',
    'LINE is rate limiting this channel',
    [
      `${limited.request?.method ?? ''} ${limited.request?.url ?? limited.name} → 429`,
      `Retry-After: ${limited.response?.retryAfter ?? '(not sent)'}`,
      ...requestId(limited),
    ],
    `Wait${limited.response?.retryAfter === undefined ? ' a while' : ` at least ${limited.response.retryAfter} s`} before trying again, and never retry in a loop; LINE does not publish its thresholds.`,
    CITE.rateLimits.url,
  );
};

const refreshTokenExpired: Rule = (flow) => {
  const refresh = step(flow, 'refresh');
  if (
    flow.error?.code !== 'ERR_REFRESH_TOKEN_EXPIRED' &&
    !(refresh?.response?.status === 400 && field(refresh, 'error') === 'invalid_grant')
  ) {
    return undefined;
  }
  return diagnosis(
    'REFRESH_TOKEN_EXPIRED',
    'The refresh token is no longer valid',
    [
      ...(refresh === undefined
        ? []
        : [`refresh answered ${refresh.response?.status ?? ''} error=${field(refresh, 'error') ?? ''}`]),
      ...(flow.error === undefined ? [] : [flow.error.message]),
      ...requestId(refresh),
    ],
    'A refresh token works for at most 90 days after the first sign-in, and not after a revoke: sign in again.',
    CITE.managingTokens.url,
  );
};

const accessTokenExpired: Rule = (flow) => {
  const bearer = flow.steps.find(
    (s) =>
      (s.response?.status === 401 && ['profile', 'userinfo', 'friendship'].includes(s.name)) ||
      (s.name === 'verifyAccessToken' &&
        s.response?.status === 400 &&
        /expired/i.test(field(s, 'error_description') ?? '')),
  );
  if (flow.error?.code !== 'ERR_ACCESS_TOKEN_EXPIRED' && bearer === undefined) {
    return undefined;
  }
  return diagnosis(
    'ACCESS_TOKEN_EXPIRED',
    'The access token has expired or was revoked',
    [
      ...(bearer === undefined
        ? []
        : [
            `${bearer.name} answered ${bearer.response?.status ?? ''}${(field(bearer, 'error_description') ?? field(bearer, 'message')) ? `: ${field(bearer, 'error_description') ?? field(bearer, 'message') ?? ''}` : ''}`,
          ]),
      ...(flow.error === undefined ? [] : [flow.error.message]),
      ...requestId(bearer),
    ],
    'Access tokens live 30 days: refresh it (the refresh token lasts up to 90 days from sign-in) or sign in again.',
    CITE.managingTokens.url,
  );
};

const algUnexpected: Rule = (flow) => {
  const failed = failedCheck(flow, 'idToken.alg', ['fail', 'warn']);
  if (failed === undefined && flow.error?.code !== 'ERR_ID_TOKEN_ALG_NOT_ALLOWED') {
    return undefined;
  }
  const alg = step(flow, 'token')?.response?.idToken?.header.alg;
  return diagnosis(
    'ID_TOKEN_ALG_UNEXPECTED',
    'The ID token is signed with an algorithm this channel kind does not use',
    [
      `alg: ${typeof alg === 'string' ? alg : '(unknown)'}`,
      ...(failed === undefined ? [] : [failed.check.explanation]),
    ],
    "Web login ID tokens are HS256, verified with the channel secret; LIFF and the native SDKs get ES256, verified with the key from LINE's JWKS by kid. Verify with the method that matches where the token came from, or use LINE's verify endpoint.",
    CITE.verifyIdTokenDoc.url,
  );
};

const nonceMismatch: Rule = (flow) => {
  const failed = failedCheck(flow, 'idToken.nonce');
  if (failed === undefined && flow.error?.code !== 'ERR_ID_TOKEN_NONCE_INVALID') {
    return undefined;
  }
  return diagnosis(
    'NONCE_MISMATCH',
    "The ID token's nonce is not the one this sign-in sent",
    [failed?.check.explanation ?? flow.error?.message ?? ''],
    'Send a fresh nonce per attempt and compare it with the ID token of that same attempt; never reuse an ID token from an earlier sign-in.',
    CITE.oidcNonce.url,
  );
};

const clockSkew: Rule = (flow) => {
  const failed = failedCheck(flow, 'idToken.iat') ?? failedCheck(flow, 'idToken.exp');
  const errorCode = flow.error?.code;
  if (failed === undefined && errorCode !== 'ERR_ID_TOKEN_IAT_INVALID' && errorCode !== 'ERR_ID_TOKEN_EXPIRED') {
    return undefined;
  }
  const claims = step(flow, 'token')?.response?.idToken?.claims;
  const iat = typeof claims?.iat === 'number' ? claims.iat : undefined;
  const clock = flow.clockAt === undefined ? undefined : Math.floor(flow.clockAt / 1000);
  const offset = iat !== undefined && clock !== undefined ? iat - clock : undefined;
  return diagnosis(
    'CLOCK_SKEW',
    "This machine's clock disagrees with LINE's",
    [
      ...(failed === undefined ? [] : [failed.check.explanation]),
      ...(offset === undefined
        ? []
        : [`LINE's clock (iat) is ${offset} s ${offset >= 0 ? 'ahead of' : 'behind'} this machine's.`]),
      ...(flow.error === undefined ? [] : [`error code: ${flow.error.code}`]),
    ],
    'Synchronise the system clock (NTP). A fresh ID token never has iat in the future or exp in the past.',
    CITE.oidcIdTokenValidation.url,
  );
};

const scopeNotGranted: Rule = (flow) => {
  const failed = failedCheck(flow, 'token.scope');
  if (failed === undefined) {
    return undefined;
  }
  return diagnosis(
    'SCOPE_NOT_GRANTED',
    'LINE granted fewer scopes than requested',
    [
      `requested: ${step(flow, 'authorize')?.request?.params.scope ?? ''}`,
      `granted: ${field(failed.step, 'scope') ?? '(none)'}`,
      failed.check.explanation,
    ],
    "Check the channel's permissions on the LINE Developers Console and ask the user to consent again (prompt=consent).",
    CITE.authorizeRequest.url,
  );
};

const emailNotGranted: Rule = (flow) => {
  const failed = failedCheck(flow, 'idToken.email', ['fail', 'warn']);
  if (failed === undefined) {
    return undefined;
  }
  return diagnosis(
    'EMAIL_NOT_GRANTED',
    'email was requested but LINE returned no email address',
    [
      `requested scope: ${step(flow, 'authorize')?.request?.params.scope ?? ''}`,
      `token scope: ${field(step(flow, 'token'), 'scope') ?? ''} (LINE never lists email here)`,
      'The ID token has no email claim.',
    ],
    'Two causes: the channel has no email permission (apply under Basic settings → OpenID Connect → Email address permission), or the user unchecked email on the consent screen or has no address registered in LINE.',
    CITE.emailPermission.url,
  );
};

const friendshipNotLinked: Rule = (flow) => {
  const failed = failedCheck(flow, 'callback.friendship_status_changed', ['warn', 'fail']);
  if (failed === undefined) {
    return undefined;
  }
  return diagnosis(
    'FRIENDSHIP_NOT_LINKED',
    'bot_prompt was sent but no LINE Official Account is linked',
    [
      `bot_prompt=${step(flow, 'authorize')?.request?.params.bot_prompt ?? ''}`,
      'The callback carried no friendship_status_changed.',
    ],
    'Link a LINE Official Account to the LINE Login channel (Basic settings → Linked LINE Official Account); the add-friend option appears only then.',
    CITE.addFriend.url,
  );
};

/** Most specific first: a rate limit explains a failed refresh better than "refresh failed". */
const RULES: readonly Rule[] = [
  rateLimited,
  redirectUriMismatch,
  consentDenied,
  autoLoginFailed,
  stateMismatch,
  callbackNotReceived,
  invalidClient,
  refreshTokenExpired,
  accessTokenExpired,
  algUnexpected,
  nonceMismatch,
  clockSkew,
  scopeNotGranted,
  emailNotGranted,
  friendshipNotLinked,
];

export function diagnose(flow: Flow): Diagnosis | undefined {
  for (const rule of RULES) {
    const found = rule(flow);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
