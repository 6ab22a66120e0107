/**
 * The JSON schema (draft-07) of the Local LINE configuration file. This object is the source;
 * `schemas/line-emulator.schema.json` (what VS Code's `jsonValidation` gives the editor) must equal
 * it, which test/unit/emulator/localLineConfig.test.ts checks (writeSchema.ts regenerates the file). `markdownDescription` is VS Code's
 * extension of JSON schema: the hover and completion text in the editor.
 */

import { CHANNEL_ID_PATTERN, CHANNEL_SECRET_PATTERN, LOCAL_LINE_DEFAULTS, USER_ID_PATTERN } from './types';

const REFERENCE = 'https://developers.line.biz/en/reference/line-login/';

const userIdRef = {
  type: 'string',
  pattern: USER_ID_PATTERN,
  description: 'A userId from "users".',
  markdownDescription: 'A `userId` from `users`.',
};

const channel = {
  type: 'object',
  additionalProperties: false,
  required: ['channelId', 'channelSecret', 'callbackUrls', 'kind'],
  properties: {
    channelId: {
      type: 'string',
      pattern: CHANNEL_ID_PATTERN,
      description: 'The channel ID your app sends as client_id: 10 digits, like the IDs LINE issues.',
      markdownDescription: 'The channel ID your app sends as `client_id`: 10 digits, like the IDs LINE issues.',
      examples: ['1234567890'],
    },
    channelSecret: {
      type: 'string',
      pattern: CHANNEL_SECRET_PATTERN,
      description:
        'The channel secret your app sends as client_secret: 32 lower-case hex digits, like LINE\'s. Use a made-up one, never a real channel\'s (e.g. "openssl rand -hex 16").',
      markdownDescription:
        "The channel secret your app sends as `client_secret`: 32 lower-case hex digits, like LINE's. Use a made-up one, **never a real channel's** (e.g. `openssl rand -hex 16`). Web channels also sign their HS256 ID tokens with it.",
    },
    name: {
      type: 'string',
      maxLength: 100,
      description: 'The channel name the consent page shows.',
      markdownDescription: 'The channel name the consent page shows.',
      examples: ['My web app'],
    },
    callbackUrls: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'string',
        description: 'An absolute http(s) URL without a fragment; redirect_uri must match it exactly.',
        markdownDescription:
          'An absolute `http`/`https` URL without a fragment. As at LINE, `redirect_uri` must equal it exactly (extra query parameters may be appended).',
        examples: ['http://localhost:3000/auth/line/callback'],
      },
      description: 'The callback URLs registered for the channel (the console\'s "Callback URL").',
      markdownDescription:
        "The callback URLs registered for the channel (the console's **Callback URL**). See [Setting a callback URL](https://developers.line.biz/en/docs/line-login/integrate-line-login/#setting-callback-url).",
    },
    kind: {
      type: 'string',
      enum: ['web', 'native'],
      description:
        '"web": web login (app type Web app, HS256 ID tokens signed with the channel secret). "native": LINE SDK or LIFF (app type Mobile app, ES256 ID tokens, client_secret optional on refresh and revoke).',
      markdownDescription:
        '`web`: web login (app type *Web app*, HS256 ID tokens signed with the channel secret).\n\n`native`: LINE SDK or LIFF (app type *Mobile app*, ES256 ID tokens from the JWKS, `client_secret` optional on refresh and revoke).',
      markdownEnumDescriptions: [
        'Web login: HS256 ID tokens, client_secret always required.',
        'LINE SDK / LIFF: ES256 ID tokens, PKCE code exchange without client_secret.',
      ],
    },
    officialAccount: {
      type: 'object',
      additionalProperties: false,
      required: ['linked'],
      properties: {
        linked: {
          type: 'boolean',
          default: LOCAL_LINE_DEFAULTS.officialAccountLinked,
          description: 'Whether a LINE Official Account is linked to the channel.',
          markdownDescription:
            'Whether a LINE Official Account is linked to the channel. Only then does `bot_prompt` offer adding it as a friend and `/friendship/v1/status` report a friendship.',
        },
      },
      default: { linked: LOCAL_LINE_DEFAULTS.officialAccountLinked },
      description: 'The LINE Official Account linked to the channel (the add friend option).',
      markdownDescription:
        'The LINE Official Account linked to the channel. See [the add friend option](https://developers.line.biz/en/docs/line-login/link-a-bot/).',
    },
    emailPermission: {
      type: 'boolean',
      default: LOCAL_LINE_DEFAULTS.emailPermission,
      description: 'Whether the channel has the email address permission. Without it, the email scope yields no email.',
      markdownDescription:
        'Whether the channel has the *Email address permission* (console: OpenID Connect). Without it the `email` scope yields no `email` claim in the ID token.',
    },
    status: {
      type: 'string',
      enum: ['published', 'developing'],
      default: LOCAL_LINE_DEFAULTS.status,
      description: 'The channel status. While "developing", only developerUserIds can log in.',
      markdownDescription: 'The channel status. While `developing`, only `developerUserIds` can log in.',
    },
    developerUserIds: {
      type: 'array',
      items: userIdRef,
      uniqueItems: true,
      description: 'Users with a role on the channel (who may log in while it is developing).',
      markdownDescription: 'Users with a role on the channel (who may log in while `status` is `developing`).',
    },
  },
};

const user = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'displayName'],
  properties: {
    userId: {
      type: 'string',
      pattern: USER_ID_PATTERN,
      description: 'The LINE user ID: "U" followed by 32 lower-case hex digits.',
      markdownDescription: 'The LINE user ID: `U` followed by 32 lower-case hex digits.',
      examples: ['U4af4980629a1b2c3d4e5f60718293a4b'],
    },
    displayName: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      description: 'The display name (profile, userinfo and ID token "name").',
      markdownDescription: 'The display name (`/v2/profile`, userinfo and the ID token `name`).',
    },
    pictureUrl: {
      type: 'string',
      pattern: '^https?://',
      description: 'The profile picture URL.',
      markdownDescription: 'The profile picture URL (`pictureUrl`, ID token `picture`).',
    },
    statusMessage: {
      type: 'string',
      maxLength: 500,
      description: 'The status message in /v2/profile.',
      markdownDescription: 'The status message in `/v2/profile`.',
    },
    email: {
      type: ['string', 'null'],
      pattern: '^[^\\s@]+@[^\\s@]+$',
      default: null,
      description: 'The email address for the email scope; null: the user has none registered.',
      markdownDescription:
        'The email address the `email` scope yields (if the channel has `emailPermission`); `null`: the user has no email address registered with LINE.',
      examples: ['user@example.com', null],
    },
    friendOf: {
      type: 'array',
      items: { type: 'string', pattern: CHANNEL_ID_PATTERN },
      uniqueItems: true,
      default: [],
      description: 'Channel IDs whose linked Official Account the user has added as a friend.',
      markdownDescription: 'Channel IDs whose linked Official Account the user has added as a friend.',
    },
  },
};

export const LOCAL_LINE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://line-login-devtools.invalid/schemas/line-emulator.schema.json',
  title: 'Local LINE configuration',
  description: 'Channels, users and behaviour of the local LINE Login emulator.',
  markdownDescription: `Channels, users and behaviour of the local LINE Login v2.1 emulator ([LINE Login reference](${REFERENCE})).`,
  type: 'object',
  additionalProperties: false,
  required: ['channels', 'users'],
  properties: {
    $schema: { type: 'string', description: 'The schema of this file (for editors).' },
    channels: {
      type: 'array',
      minItems: 1,
      items: channel,
      description: 'The LINE Login channels the emulator serves.',
      markdownDescription: 'The LINE Login channels the emulator serves, as in the LINE Developers Console.',
    },
    users: {
      type: 'array',
      minItems: 1,
      items: user,
      description: 'The LINE users who can log in.',
      markdownDescription: 'The LINE users who can log in (the consent page lets you pick one).',
    },
    tokenLifetimes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        accessTokenSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 31_536_000,
          default: LOCAL_LINE_DEFAULTS.accessTokenSeconds,
          description: 'Access token lifetime in seconds (LINE: 2592000, 30 days).',
          markdownDescription:
            'Access token lifetime in seconds (LINE: `2592000`, 30 days). Short values test refresh.',
        },
        refreshTokenDays: {
          type: 'integer',
          minimum: 1,
          maximum: 3650,
          default: LOCAL_LINE_DEFAULTS.refreshTokenDays,
          description: 'Refresh token lifetime in days from the original sign-in (LINE: 90).',
          markdownDescription: 'Refresh token lifetime in days, counted from the **original** sign-in (LINE: `90`).',
        },
        codeSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 3600,
          default: LOCAL_LINE_DEFAULTS.codeSeconds,
          description: 'Authorization code lifetime in seconds (LINE: 600).',
          markdownDescription: 'Authorization code lifetime in seconds (LINE: `600`, 10 minutes).',
        },
      },
      default: {},
      description: "Token lifetimes; LINE's own when left out.",
      markdownDescription: "Token lifetimes; LINE's own when left out.",
    },
    consent: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: {
          type: 'string',
          enum: ['page', 'autoApprove'],
          default: LOCAL_LINE_DEFAULTS.consentMode,
          description: '"page": a consent page in the browser. "autoApprove": every login is approved at once.',
          markdownDescription:
            '`page`: a consent page in the browser (pick a user, Allow or Cancel). `autoApprove`: every login is approved at once, as `autoApproveUserId`.',
        },
        autoApproveUserId: {
          ...userIdRef,
          description: 'The user autoApprove logs in as (default: the first user).',
          markdownDescription: 'The user `autoApprove` logs in as (default: the first of `users`).',
        },
      },
      default: { mode: LOCAL_LINE_DEFAULTS.consentMode },
      description: 'How logins are approved.',
      markdownDescription: 'How logins are approved.',
    },
  },
};
