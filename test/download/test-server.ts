import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface TestServer {
  /** http(s)://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A loopback server with a hand-written handler, for behaviours no well-behaved GitHub shows (answers that
 * point elsewhere, loops, trickles, floods). With `tls`, it serves HTTPS with that key and certificate.
 */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: { readonly key: string; readonly cert: string },
): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    handler(req, res);
  };
  const server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A release answer with one asset whose two URLs are given. */
export function releaseJson(assetUrl: string, browserDownloadUrl: string, size: number): string {
  return JSON.stringify({
    id: 1,
    tag_name: 'v1',
    assets: [
      { id: 7, name: 'tool', size, digest: null, url: assetUrl, browser_download_url: browserDownloadUrl },
    ],
  });
}
