/**
 * jose's failures, and LINE's claim failures, as coded IdTokenErrors. Claim and header values are
 * attacker-controlled text: they reach a message only quoted and capped.
 */
import { errors, type ProtectedHeaderParameters } from 'jose';

import { IdTokenError, InputError } from './errors';

/** What a verification knows when it turns a failure into a message. */
export interface VerificationContext {
  readonly channelId: string;
  readonly issuer: string;
  readonly header: ProtectedHeaderParameters;
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export function mapJoseError(error: unknown, ctx: VerificationContext): IdTokenError | InputError {
  if (error instanceof IdTokenError || error instanceof InputError) {
    return error;
  }
  if (!(error instanceof errors.JOSEError)) {
    return new IdTokenError(
      'ERR_ID_TOKEN_MALFORMED',
      'The ID token could not be verified: unexpected failure in the JWT library.',
      {},
      { cause: error },
    );
  }
  if (isJoseError(error, 'ERR_JOSE_ALG_NOT_ALLOWED')) {
    return algNotAllowed(ctx.header.alg);
  }
  if (isJoseError(error, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED')) {
    return signatureInvalid(ctx);
  }
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return new IdTokenError(
      'ERR_ID_TOKEN_EXPIRED',
      `The ID token expired${typeof exp === 'number' ? ` at ${isoSeconds(exp)}` : ''} (now ${isoSeconds(ctx.nowSeconds)}, ` +
        `clock tolerance ${ctx.toleranceSeconds} s). Sign in again to get a fresh one; refreshing the access token does not return a new ID token.`,
      { claim: 'exp' },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return mapClaimFailure(error, ctx);
  }
  // ERR_JWS_INVALID, ERR_JWT_INVALID, ERR_JOSE_NOT_SUPPORTED (an unknown `crit`), …
  return new IdTokenError(
    'ERR_ID_TOKEN_MALFORMED',
    `The ID token is not a well-formed JWT: ${error.message.replace(/\.$/, '')}.`,
  );
}

export function mapClaimFailure(
  error: InstanceType<typeof errors.JWTClaimValidationFailed>,
  ctx: VerificationContext,
): IdTokenError {
  const missing = error.reason === 'missing';
  switch (error.claim) {
    case 'iss': {
      const actual = error.payload.iss;
      return new IdTokenError(
        'ERR_ID_TOKEN_ISSUER_INVALID',
        `The ID token ${missing ? 'has no issuer' : `was issued by ${describeValue(actual)}`}, but ${quote(ctx.issuer)} was expected. ` +
          `The expected issuer is the lineLogin.authorizeBaseUrl setting (https://access.line.me for LINE itself, the emulator's URL otherwise); ` +
          'a token from LINE checked against an emulator setting, or the other way round, fails here.',
        { claim: 'iss' },
      );
    }
    case 'aud': {
      const actual = error.payload.aud;
      return new IdTokenError(
        'ERR_ID_TOKEN_AUDIENCE_INVALID',
        `The ID token ${missing ? 'names no audience' : `was issued to ${describeValue(actual)}`}, not to channel ${quote(ctx.channelId)}. ` +
          'Check that the channel ID is the one the user signed in to (LINE Developers Console → your LINE Login channel → Basic settings).',
        { claim: 'aud' },
      );
    }
    case 'iat':
      return new IdTokenError(
        'ERR_ID_TOKEN_IAT_INVALID',
        missing
          ? 'The ID token has no "iat" (issued at) claim.'
          : 'The ID token\'s "iat" (issued at) claim is not a number of seconds.',
        { claim: 'iat' },
      );
    case 'exp':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        missing
          ? 'The ID token has no "exp" (expiration time) claim.'
          : 'The ID token\'s "exp" (expiration time) claim is not a number of seconds.',
        { claim: 'exp' },
      );
    case 'nbf':
      return new IdTokenError(
        'ERR_ID_TOKEN_CLAIM_INVALID',
        error.reason === 'invalid'
          ? 'The ID token\'s "nbf" (not before) claim is not a number of seconds.'
          : `The ID token is not valid yet ("nbf" is after now, ${isoSeconds(ctx.nowSeconds)}, plus ${ctx.toleranceSeconds} s tolerance). Check this computer's clock.`,
        { claim: 'nbf' },
      );
    default:
      return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `The ID token's ${quote(error.claim)} claim is invalid.`, {
        claim: error.claim,
      });
  }
}

export function algNotAllowed(alg: unknown): IdTokenError {
  const details = typeof alg === 'string' ? { alg: alg.slice(0, 32) } : {};
  let message: string;
  if (alg === 'none') {
    message = 'The ID token is unsigned (alg "none"); unsigned tokens are never accepted.';
  } else if (alg === 'HS256') {
    message =
      'The ID token is signed with HS256, as LINE signs tokens from web login, which is verified with the channel secret; ' +
      'no channel secret was given. Set the channel secret for this channel.';
  } else if (alg === 'ES256') {
    message =
      "The ID token is signed with ES256, as LINE signs tokens from the LINE SDK and LIFF, which is verified with LINE's public keys; " +
      'they were not given (only the channel secret, which verifies HS256 web-login tokens).';
  } else {
    message = `The ID token is signed with ${describeValue(alg)}; LINE signs ID tokens only with HS256 (web login) or ES256 (LINE SDK, LIFF).`;
  }
  return new IdTokenError('ERR_ID_TOKEN_ALG_NOT_ALLOWED', message, details);
}

export function signatureInvalid(ctx: VerificationContext): IdTokenError {
  if (ctx.header.alg === 'HS256') {
    return new IdTokenError(
      'ERR_ID_TOKEN_SIGNATURE_INVALID',
      "The ID token's HS256 signature does not match: the channel secret does not match the channel that issued this token " +
        '(check the channel ID and channel secret in the LINE Developers Console), or the token was altered.',
      { alg: 'HS256' },
    );
  }
  const kid = typeof ctx.header.kid === 'string' ? ctx.header.kid : undefined;
  return new IdTokenError(
    'ERR_ID_TOKEN_SIGNATURE_INVALID',
    `The ID token's ES256 signature does not match LINE's public key${kid === undefined ? '' : ` ${quote(kid)}`}: the token was altered, or was not issued by LINE.`,
    { alg: 'ES256', ...(kid === undefined ? {} : { kid }) },
  );
}

export function claimTypeInvalid(claim: string, expected: string): IdTokenError {
  return new IdTokenError('ERR_ID_TOKEN_CLAIM_INVALID', `The ID token's "${claim}" claim must be ${expected}.`, {
    claim,
  });
}

export function isJoseError(error: unknown, code: string): boolean {
  return error instanceof errors.JOSEError && error.code === code;
}

export function isoSeconds(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Claim and header values are attacker-controlled text: quote and cap them before they reach a message. */
export function quote(value: string): string {
  const capped = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(capped);
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return quote(value);
  }
  if (Array.isArray(value)) {
    return `[${value.slice(0, 5).map(describeValue).join(', ')}${value.length > 5 ? ', …' : ''}]`;
  }
  if (value === undefined) {
    return 'nothing';
  }
  return quote(JSON.stringify(value));
}
