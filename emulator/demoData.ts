/**
 * The standalone emulator's demo channel and users (`node out/emulator/main.js`).
 * Everything here is fake and only ever accepted by the local emulator.
 */

import type { EmulatorChannel, EmulatorUser } from './index';

/**
 * The callback is on `localhost` with a fixed port because LINE matches callback URLs exactly
 * (so a loopback client cannot use an ephemeral port). The secret has the shape of a real one
 * (32 hex digits); `LINE_EMULATOR_DEMO_SECRET` overrides it in main.ts.
 */
export const DEMO_CHANNEL: EmulatorChannel = {
  channelId: '2000000000',
  channelSecret: '5f3c9a1e7b2d4e6f8a0c1b3d5e7f9a2c',
  callbackUrls: ['http://localhost:33418/callback'],
  name: 'Demo channel',
};

export const DEMO_USERS: EmulatorUser[] = [
  {
    userId: 'U4af4980629a1b2c3d4e5f60718293a4b',
    displayName: '山田 花子',
    statusMessage: 'LINEログインのテスト中です',
    email: 'hanako.yamada@example.com',
    friendOf: ['2000000000'],
  },
  {
    userId: 'U9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
    displayName: 'Alex Taylor',
    statusMessage: 'Testing LINE Login',
    email: 'alex.taylor@example.com',
  },
];
