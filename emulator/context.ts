/** What a handler gets for one request (the state is passed beside it). */

import type { IncomingMessage } from 'node:http';
import type { ParsedParams } from './http';
import type { Reply } from './respond';
import type { EmulatorState } from './state';
import type { EmulatorEndpoint } from './types';

export interface RequestContext {
  /** Headers only: the body has already been read into `form`/`json`. */
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly endpoint: EmulatorEndpoint;
  readonly query: ParsedParams;
  readonly form: ParsedParams;
  /** The parsed body when it was JSON. */
  readonly json: unknown;
  /** Set by the denyConsent fault: the authorize answer is ACCESS_DENIED in this casing. */
  denyConsent: 'upper' | 'lower' | undefined;
  /** A short reason for the log line; never a secret. */
  note: string | undefined;
}

export type Handler = (ctx: RequestContext, state: EmulatorState) => Reply | Promise<Reply>;

export const FORM = 'application/x-www-form-urlencoded';
