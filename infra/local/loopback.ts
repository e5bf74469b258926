/** Local servers listen on a free loopback port and stop with every connection closed. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Stoppable { readonly url: string; stop(): Promise<void> }

export const listenOnLoopback = async (server: http.Server, port = 0): Promise<Stoppable> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
