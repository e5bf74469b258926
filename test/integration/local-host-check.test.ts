// The local platform answers only requests addressed to its loopback name, so a web
// page that rebinds its own domain to 127.0.0.1 (DNS rebinding) cannot sign in or read.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { usePlatform } from './fixtures/platform.ts';

const post = (url: string, host: string, body: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });

describe('the local platform’s Host check', () => {
  const platform = usePlatform();

  it('refuses a request addressed to any other name, and serves its own', async () => {
    const url = `${platform().apiUrl}/local/sign-in`;
    const port = new URL(url).port;
    const body = JSON.stringify({ email: 'owner@example.com' });
    const evil = await post(url, `evil.example:${port}`, body);
    expect(evil.status).toBe(403);
    expect(evil.text).not.toContain('token');
    expect((await post(url, `127.0.0.1:${port}`, body)).status).toBe(200);
    expect((await post(url, `localhost:${port}`, body)).status).toBe(200);
  });
});
