import { createServer } from 'node:net';

/** A loopback port that was free a moment ago (the callback URL needs a fixed port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (typeof address !== 'object' || address === null) {
    throw new Error('no port');
  }
  return address.port;
}
