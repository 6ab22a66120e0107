/** The form and client checks shared by the token-style endpoints (token, revoke, verify ID token, channel token). */

import { constantTimeEqual } from '../../src/core/constantTime';
import { FORM } from '../context';
import type { RequestContext } from '../context';
import { invalidClient, invalidRequest } from '../errors';
import type { EmulatorError } from '../errors';
import { field, mediaType } from '../http';
import type { EmulatorState } from '../state';
import type { EmulatorChannel } from '../types';

/** A form-encoded body with no repeated parameter, as RFC 6749 §3.2 requires. */
export function requireForm(ctx: RequestContext): void {
  if (mediaType(ctx.req) !== FORM) {
    throw invalidRequest(`Content-Type must be ${FORM}`);
  }
  const duplicate = ctx.form.duplicates[0];
  if (duplicate !== undefined) {
    throw invalidRequest(`duplicate parameter: ${duplicate}`);
  }
}

/**
 * README ledger L1: LINE requires client_secret on refresh and revoke only for channels whose app
 * type is only "Web app"; for channels that are (also) mobile apps it is not required.
 */
export function isWebAppOnly(channel: EmulatorChannel): boolean {
  const types = channel.appTypes ?? ['web'];
  return types.length > 0 && types.every((type) => type === 'web');
}

/** README ledger L9: the only public sample of a failed token request. */
const LINE_SAMPLE_DESCRIPTION = 'some parameters missed or invalid';

/** Which wording the token endpoint uses; other endpoints always name what is wrong. */
export type ErrorWording = 'tokenEndpoint' | 'specific';

export function clientError(state: EmulatorState, wording: ErrorWording, specific: () => EmulatorError): EmulatorError {
  if (wording === 'tokenEndpoint' && state.behaviour.tokenErrorStyle === 'lineSample') {
    const precise = specific();
    return invalidRequest(LINE_SAMPLE_DESCRIPTION).withNote(`${precise.error}: ${precise.description}`);
  }
  return specific();
}

/**
 * The channel named by client_id, its client_secret checked: always when sent (constant time),
 * and required when `secretRequired(channel)` says so.
 */
export function authenticateClient(
  state: EmulatorState,
  form: Record<string, string>,
  secretRequired: (channel: EmulatorChannel) => boolean,
  wording: ErrorWording = 'specific',
): EmulatorChannel {
  const clientId = field(form, 'client_id');
  if (clientId === undefined || clientId === '') {
    throw clientError(state, wording, () => invalidRequest('client_id is required'));
  }
  const channel = state.directory.channel(clientId);
  if (channel === undefined) {
    throw clientError(state, wording, () => invalidClient('invalid client_id'));
  }
  const sent = field(form, 'client_secret');
  if (sent === undefined ? secretRequired(channel) : !constantTimeEqual(sent, channel.channelSecret)) {
    throw clientError(state, wording, () => invalidClient('invalid client_secret'));
  }
  return channel;
}

/** A required, non-empty form parameter. */
export function requiredField(
  state: EmulatorState,
  form: Record<string, string>,
  name: string,
  wording: ErrorWording = 'specific',
): string {
  const value = field(form, name);
  if (value === undefined || value === '') {
    throw clientError(state, wording, () => invalidRequest(`${name} is required`));
  }
  return value;
}
