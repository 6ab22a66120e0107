/**
 * The Local LINE configuration file (`.vscode/line-emulator.json`): its shape, and the result of
 * reading it. schema.ts is the same shape as a JSON schema (the editor's completion and errors).
 */

export interface LocalLineChannelConfig {
  /** 10 digits, like the IDs LINE's console issues. */
  channelId: string;
  /** 32 lower-case hex digits, like LINE's. Never shown in a problem message. */
  channelSecret: string;
  name?: string;
  callbackUrls: string[];
  /** 'web': web login, HS256 ID tokens, app type Web app. 'native': LINE SDK / LIFF, ES256, Mobile app. */
  kind: 'web' | 'native';
  officialAccount?: { linked: boolean };
  emailPermission?: boolean;
  status?: 'developing' | 'published';
  developerUserIds?: string[];
}

export interface LocalLineUserConfig {
  /** 'U' + 32 lower-case hex. */
  userId: string;
  displayName: string;
  pictureUrl?: string;
  statusMessage?: string;
  /** null (or absent): the user has no email address registered with LINE. */
  email?: string | null;
  /** Channel IDs whose Official Account the user has added as a friend. */
  friendOf?: string[];
}

export interface LocalLineConfig {
  /** Where the editor finds the schema; ignored by the emulator. */
  $schema?: string;
  channels: LocalLineChannelConfig[];
  users: LocalLineUserConfig[];
  tokenLifetimes?: { accessTokenSeconds?: number; refreshTokenDays?: number; codeSeconds?: number };
  consent?: { mode: 'page' | 'autoApprove'; autoApproveUserId?: string };
}

/** One problem in the file; `line` and `column` are 1-based; the message says what to do. */
export interface ConfigProblem {
  line: number;
  column: number;
  message: string;
}

export type LocalLineConfigResult = { ok: true; config: LocalLineConfig } | { ok: false; problems: ConfigProblem[] };

/** The defaults the schema advertises and the emulator applies: LINE's own lifetimes. */
export const LOCAL_LINE_DEFAULTS = {
  /** 30 days, as LINE's token endpoint answers `expires_in: 2592000`. */
  accessTokenSeconds: 2_592_000,
  /** 90 days from the original sign-in. */
  refreshTokenDays: 90,
  /** 10 minutes. */
  codeSeconds: 600,
  consentMode: 'page',
  officialAccountLinked: false,
  emailPermission: true,
  status: 'published',
} as const;

/** The shapes LINE gives its IDs and secrets; one home for the schema and the emulator. */
export const CHANNEL_ID_PATTERN = '^[0-9]{10}$';
export const CHANNEL_SECRET_PATTERN = '^[0-9a-f]{32}$';
export const USER_ID_PATTERN = '^U[0-9a-f]{32}$';
