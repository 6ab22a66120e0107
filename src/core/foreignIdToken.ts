/**
 * The backend verification workbench: an ID token that did not come from this extension's own
 * sign-in (LIFF's `liff.getIDToken()`, the iOS/Android SDKs, a backend log), checked for a chosen
 * channel the way a backend must check it, and optionally by LINE's verify endpoint side by side.
 *
 * Every JWT operation is jose's, through idToken.ts: the signature alone (verifyJwtSignature, so an
 * expired or foreign token can still be told apart from a forged one), then the full check
 * (verifyIdToken). The time verdict is computed from the decoded claims against the injected clock,
 * so "expired" is said plainly even when another check failed first.
 *
 * The result never holds the token or the channel secret, and the `nonce` claim is masked: it is
 * meant to be shown, logged and returned to automation callers.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';

import { IdTokenError, isLineLoginError, type LineLoginErrorCode } from './errors';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS, verifyIdToken, verifyJwtSignature, type LineJwks } from './idToken';
import { tokenPreview } from './redact';

/** HS256: web login, signed with the channel secret. ES256: the LINE SDKs and LIFF, keys in LINE's JWKS. */
export type IdTokenKind = 'web-login' | 'native-sdk-or-liff' | 'unknown';

export type SignatureMethod = 'HS256-channel-secret' | 'ES256-jwks' | 'none';

export interface InspectionProblem {
  code: LineLoginErrorCode;
  message: string;
}

export interface TimeClaim {
  /** Seconds since the epoch, as in the token. */
  epochSeconds: number;
  iso: string;
  /** Positive: in the future of the machine clock; negative: in its past. */
  secondsFromNow: number;
}

export type TimeStatus = 'valid' | 'expired' | 'not-yet-valid' | 'unknown';

export interface IdTokenTimes {
  /** The machine clock the token was judged by. */
  now: string;
  exp?: TimeClaim;
  iat?: TimeClaim;
  authTime?: TimeClaim;
  /** The clock skew tolerated either way (exp, iat), as a backend using jose or PyJWT would allow. */
  skewSeconds: number;
  status: TimeStatus;
}

export interface ServerCheck {
  ok: boolean;
  /** LINE's answer, nonce masked. */
  claims?: Record<string, unknown>;
  errorCode?: LineLoginErrorCode;
  message?: string;
  /** Whether LINE's verdict (accepted or not) equals the local one. */
  agreesWithLocal: boolean;
}

export interface IdTokenInspection {
  kind: IdTokenKind;
  alg: string;
  kid?: string;
  /** The channel the token was checked for (undefined when none was known). */
  channelId?: string;
  signature: { checked: boolean; ok: boolean; method: SignatureMethod; errorCode?: LineLoginErrorCode };
  /** Every check a backend makes passed (signature, iss, aud, exp, iat, claim types). */
  valid: boolean;
  /** As decoded, nonce masked. */
  claims: Record<string, unknown>;
  times: IdTokenTimes;
  problems: InspectionProblem[];
  server?: ServerCheck;
}

export interface InspectIdTokenOptions {
  /** The chosen channel; its secret enables HS256 checks. */
  channel?: { channelId: string; channelSecret?: string };
  jwks: LineJwks;
  /** Expected `iss`: `https://access.line.me`, or the emulator's authorize base URL. */
  issuer: string;
  now: () => Date;
  clockToleranceSeconds?: number;
  /** When given, LINE's verify endpoint is asked too (lineClient.verifyIdTokenOnServer). */
  verifyOnServer?: (idToken: string, channelId: string) => Promise<Record<string, unknown>>;
}

export async function inspectIdToken(token: string, options: InspectIdTokenOptions): Promise<IdTokenInspection> {
  const trimmed = token.trim();
  const { header, payload } = decodeForInspection(trimmed);
  const alg = typeof header.alg === 'string' ? header.alg : String(header.alg);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const kind: IdTokenKind = alg === 'HS256' ? 'web-login' : alg === 'ES256' ? 'native-sdk-or-liff' : 'unknown';
  const channel = options.channel;
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const now = options.now();
  const problems: InspectionProblem[] = [];
  const addProblem = (problem: InspectionProblem): void => {
    if (!problems.some((known) => known.code === problem.code)) {
      problems.push(problem);
    }
  };

  const signature = await checkSignature(trimmed, kind, alg, options);
  if (signature.problem) {
    addProblem(signature.problem);
  }

  let valid = false;
  if (signature.result.ok && channel !== undefined) {
    try {
      await verifyIdToken(trimmed, {
        channelId: channel.channelId,
        ...(kind === 'web-login' && channel.channelSecret !== undefined
          ? { channelSecret: channel.channelSecret }
          : { jwks: options.jwks }),
        issuer: options.issuer,
        clockToleranceSeconds: toleranceSeconds,
        now: () => now,
      });
      valid = true;
    } catch (error) {
      addProblem(problemOf(error));
    }
  }

  // Said even when the signature check already failed: "other channel" and "expired" are the two
  // answers a developer holding a foreign token needs most, and the signature hides neither.
  if (channel !== undefined && !audienceIncludes(payload.aud, channel.channelId)) {
    addProblem({
      code: 'ERR_ID_TOKEN_AUDIENCE_INVALID',
      message: `The token was issued to channel ${describeAudience(payload.aud)}, not to channel ${channel.channelId}. Verify it with the channel it was issued to.`,
    });
  }
  const times = judgeTimes(payload, now, toleranceSeconds);
  if (times.status === 'expired' && times.exp) {
    addProblem({
      code: 'ERR_ID_TOKEN_EXPIRED',
      message: `The token expired at ${times.exp.iso}, ${-times.exp.secondsFromNow} s before this machine's clock (tolerance ${toleranceSeconds} s). Get a fresh one (LIFF: call liff.getIDToken() again after liff.init(); the SDKs: refresh the login).`,
    });
  }
  if (times.status === 'not-yet-valid' && times.iat) {
    addProblem({
      code: 'ERR_ID_TOKEN_IAT_INVALID',
      message: `The token is not yet valid: it was issued ${times.iat.secondsFromNow} s in the future of this machine's clock (tolerance ${toleranceSeconds} s). Check this machine's clock.`,
    });
  }
  if (channel === undefined) {
    addProblem({
      code: 'ERR_INVALID_CHANNEL',
      message: `No channel was chosen, so audience and ${kind === 'web-login' ? 'signature' : 'claims'} were not checked. Register the channel ${describeAudience(payload.aud)} or name one.`,
    });
  }

  const inspection: IdTokenInspection = {
    kind,
    alg,
    ...(kid === undefined ? {} : { kid }),
    ...(channel === undefined ? {} : { channelId: channel.channelId }),
    signature: signature.result,
    valid: valid && problems.length === 0,
    claims: maskNonce(payload),
    times,
    problems,
  };
  if (options.verifyOnServer && channel !== undefined) {
    inspection.server = await checkOnServer(trimmed, channel.channelId, inspection.valid, options.verifyOnServer);
  }
  return inspection;
}

function decodeForInspection(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    throw new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'This is not a readable ID token: a LINE ID token is a JWT of three base64url parts separated by dots. Copy it whole (from liff.getIDToken(), the SDK login result or the id_token field).',
    );
  }
}

async function checkSignature(
  token: string,
  kind: IdTokenKind,
  alg: string,
  options: InspectIdTokenOptions,
): Promise<{ result: IdTokenInspection['signature']; problem?: InspectionProblem }> {
  if (kind === 'unknown') {
    return {
      result: { checked: false, ok: false, method: 'none' },
      problem: {
        code: 'ERR_ID_TOKEN_ALG_NOT_ALLOWED',
        message: `LINE signs ID tokens with HS256 (web login) or ES256 (LINE SDK, LIFF); this one says ${JSON.stringify(alg)}. Reject it.`,
      },
    };
  }
  const method: SignatureMethod = kind === 'web-login' ? 'HS256-channel-secret' : 'ES256-jwks';
  const secret = options.channel?.channelSecret;
  if (kind === 'web-login' && (secret === undefined || secret === '')) {
    return {
      result: { checked: false, ok: false, method },
      problem: {
        code: 'ERR_INVALID_CHANNEL',
        message:
          'An HS256 token is signed with the secret of the channel it was issued to; without that channel and its secret the signature cannot be checked.',
      },
    };
  }
  try {
    await verifyJwtSignature(
      token,
      kind === 'web-login' && secret !== undefined
        ? { channelSecret: secret, now: options.now }
        : { jwks: options.jwks, now: options.now },
    );
    return { result: { checked: true, ok: true, method } };
  } catch (error) {
    const problem = problemOf(error);
    return { result: { checked: true, ok: false, method, errorCode: problem.code }, problem };
  }
}

async function checkOnServer(
  token: string,
  channelId: string,
  localOk: boolean,
  verify: NonNullable<InspectIdTokenOptions['verifyOnServer']>,
): Promise<ServerCheck> {
  try {
    const claims = await verify(token, channelId);
    return { ok: true, claims: maskNonce(claims), agreesWithLocal: localOk };
  } catch (error) {
    const problem = problemOf(error);
    return { ok: false, errorCode: problem.code, message: problem.message, agreesWithLocal: !localOk };
  }
}

function problemOf(error: unknown): InspectionProblem {
  if (isLineLoginError(error)) {
    return { code: error.code, message: error.message };
  }
  throw error;
}

function audienceIncludes(aud: unknown, channelId: string): boolean {
  return aud === channelId || (Array.isArray(aud) && aud.includes(channelId));
}

function describeAudience(aud: unknown): string {
  if (typeof aud === 'string') {
    return aud;
  }
  if (Array.isArray(aud) && aud.every((item) => typeof item === 'string')) {
    return aud.join(', ');
  }
  return '(none named)';
}

function timeClaim(value: unknown, nowSeconds: number): TimeClaim | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return undefined;
  }
  const date = new Date(value * 1000);
  if (Number.isNaN(date.getTime())) {
    return undefined;
  }
  return { epochSeconds: value, iso: date.toISOString(), secondsFromNow: Math.round(value - nowSeconds) };
}

/** RFC 7519 §4.1.4 (exp) and OIDC Core §3.1.3.7 item 10 (iat), with the tolerance on both sides. */
export function judgeTimes(claims: Record<string, unknown>, now: Date, skewSeconds: number): IdTokenTimes {
  const nowSeconds = now.getTime() / 1000;
  const exp = timeClaim(claims.exp, nowSeconds);
  const iat = timeClaim(claims.iat, nowSeconds);
  const authTime = timeClaim(claims.auth_time, nowSeconds);
  let status: TimeStatus = 'unknown';
  if (exp !== undefined && exp.epochSeconds + skewSeconds <= nowSeconds) {
    status = 'expired';
  } else if (iat !== undefined && iat.epochSeconds - skewSeconds > nowSeconds) {
    status = 'not-yet-valid';
  } else if (exp !== undefined && iat !== undefined) {
    status = 'valid';
  }
  return {
    now: now.toISOString(),
    ...(exp === undefined ? {} : { exp }),
    ...(iat === undefined ? {} : { iat }),
    ...(authTime === undefined ? {} : { authTime }),
    skewSeconds,
    status,
  };
}

/** The nonce proves a login; a prefix is enough to compare it with the one a backend stored. */
export function maskNonce(claims: Record<string, unknown>): Record<string, unknown> {
  if (typeof claims.nonce !== 'string') {
    return { ...claims };
  }
  return { ...claims, nonce: tokenPreview(claims.nonce) };
}
