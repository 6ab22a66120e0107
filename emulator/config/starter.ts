/**
 * The commented starter file "Create Emulator Configuration" writes to `.vscode/line-emulator.json`.
 * Everything in it is made up and only ever accepted by the local emulator.
 */

export const STARTER_LOCAL_LINE_CONFIG = `// Local LINE: the channels and users of your local LINE Login emulator.
// JSON with comments. VS Code checks this file against the Local LINE schema (hover a key to read
// what it means). Save it and the running emulator reloads it; while it has an error, the emulator
// keeps serving the last good version.
// (No "$schema" key: VS Code associates the schema with this file name, and a "$schema" that does
// not resolve in your project would replace that association.)
{
  // LINE Login channels, as in the LINE Developers Console. Point your app at the emulator's URLs
  // and use these IDs and secrets instead of your real channel's.
  "channels": [
    {
      // Your app sends this as client_id: 10 digits.
      "channelId": "1234567890",
      // Your app sends this as client_secret: 32 lower-case hex digits. Made up: never paste a
      // real channel's secret here (make one with \`openssl rand -hex 16\`).
      "channelSecret": "0123456789abcdef0123456789abcdef",
      // Shown on the consent page.
      "name": "My web app",
      // redirect_uri must equal one of these exactly (extra query parameters may be appended).
      "callbackUrls": ["http://localhost:3000/auth/line/callback"],
      // "web": web login, HS256 ID tokens signed with the channel secret, client_secret required.
      "kind": "web",
      // A linked LINE Official Account: bot_prompt offers adding it as a friend, and
      // /friendship/v1/status reports the friendship.
      "officialAccount": { "linked": true },
      // The console's email address permission: without it the email scope yields no email.
      "emailPermission": true,
    },
    {
      "channelId": "1234567891",
      "channelSecret": "fedcba9876543210fedcba9876543210",
      "name": "My LIFF app",
      "callbackUrls": ["http://localhost:5173/"],
      // "native": LINE SDK or LIFF, ES256 ID tokens (verify them with the JWKS), PKCE code
      // exchange without client_secret.
      "kind": "native",
      "officialAccount": { "linked": false },
      "emailPermission": false,
      // "developing": only developerUserIds can log in; "published": everyone.
      "status": "published",
    },
  ],

  // The LINE users who can log in; the consent page lets you pick one.
  "users": [
    {
      // "U" followed by 32 lower-case hex digits.
      "userId": "U4af4980629a1b2c3d4e5f60718293a4b",
      "displayName": "Hanako Yamada",
      "statusMessage": "Testing LINE Login",
      // What the email scope yields (when the channel has the permission).
      "email": "hanako@example.com",
      // Channel IDs whose Official Account this user has added as a friend.
      "friendOf": ["1234567890"],
    },
    {
      "userId": "U9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
      "displayName": "Alex Taylor",
      // null: this user has no email address registered with LINE.
      "email": null,
      "friendOf": [],
    },
  ],

  // LINE's own lifetimes; shorten them to test refresh and expiry.
  "tokenLifetimes": {
    "accessTokenSeconds": 2592000, // 30 days
    "refreshTokenDays": 90, // counted from the original sign-in
    "codeSeconds": 600, // 10 minutes
  },

  // "page": a consent page in the browser (pick a user, Allow or Cancel).
  // "autoApprove": every login is approved at once, as "autoApproveUserId" (default: the first user).
  "consent": { "mode": "page" },
}
`;
