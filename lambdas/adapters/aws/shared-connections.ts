/**
 * One pool of kept-alive connections for all of a function's AWS clients. With a tenant role
 * each account has its own DynamoDB and S3 clients (its own credentials); by default each
 * client would open its own connections, so the first request for an account a warm function
 * has not served yet would pay new TCP and TLS handshakes to DynamoDB and S3 (a cold index
 * read asks S3 for up to 16 ranges at once). A request is signed on its own (SigV4), never
 * by the connection it travels on, so connections can serve every account's clients alike.
 * Nothing destroys these clients: an account's client dropped from its cache leaves the pool.
 */
import http from 'node:http';
import https from 'node:https';

/** What an SDK client takes as `requestHandler` (the Node.js handler's options). */
export interface SharedConnections {
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
}

/** As the SDK's own default: keep-alive, 50 sockets a host (a function serves one request at a time). */
export const createSharedConnections = (): SharedConnections => ({
  httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }),
  httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 50 }),
});
