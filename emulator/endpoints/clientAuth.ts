/** The form and client checks shared by the token-style endpoints (token, revoke, verify ID token, channel token). */

import { constantTimeEqual } from '../../src/core/constantTime';
import { FORM } from '../context';
import type { RequestContext } from '../context';
import { invalidClient, invalidRequest } from '../errors';
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

/** `secret: 'required'` for the code exchange; LINE ignores or checks it elsewhere, so only a sent one is checked. */
export function authenticateClient(
  state: EmulatorState,
  form: Record<string, string>,
  secret: 'required' | 'ifSent',
): EmulatorChannel {
  const clientId = field(form, 'client_id');
  if (clientId === undefined || clientId === '') {
    throw invalidRequest('client_id is required');
  }
  const channel = state.directory.channel(clientId);
  if (channel === undefined) {
    throw invalidClient('invalid client_id');
  }
  const sent = field(form, 'client_secret');
  if (sent === undefined ? secret === 'required' : !constantTimeEqual(sent, channel.channelSecret)) {
    throw invalidClient('invalid client_secret');
  }
  return channel;
}

/** A required, non-empty form parameter. */
export function requiredField(form: Record<string, string>, name: string): string {
  const value = field(form, name);
  if (value === undefined || value === '') {
    throw invalidRequest(`${name} is required`);
  }
  return value;
}
