// What the specs and the global setup share: tokens signed with the local-only demo key, the API and the database.
import { execFileSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const storefront = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const root = resolve(storefront, '..');
export const out = join(root, 'target/storefront-e2e');

/** Where global-setup started things (environment variables it sets, inherited by the workers). */
export const env = {
  get web() { return process.env.E2E_WEB!; },
  get prodWeb() { return process.env.E2E_PROD_WEB!; },
  get api() { return process.env.E2E_API!; },
  get database() { return process.env.E2E_DATABASE!; },
};

/** An RS256 token as bin/token makes it, signed with the local-only demo key; expired when `ttl` is negative. */
export function token(subject: string, admin = false, ttl = 3600): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const iat = ttl < 0 ? now + ttl - 60 : now;
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
    iss: 'https://orders.local/issuer', aud: 'order-service', sub: subject, upn: subject,
    groups: admin ? ['customer', 'admin'] : ['customer'], iat, exp: now + ttl, jti: randomUUID(),
  })}`;
  const signature = createSign('RSA-SHA256').update(input).sign(readFileSync(join(root, 'local-only-keys/jwt-private-key.pem')));
  return `${input}.${signature.toString('base64url')}`;
}

export function pg(sql: string): string {
  return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', env.database, '-tAqc', sql], { encoding: 'utf8' }).trim();
}

export type ApiAnswer = { status: number; body: any };

/** A call to the API as `who` (admin: a token with the admin role). */
export async function apiCall(method: string, path: string, who: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const response = await fetch(`${env.api}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token(who, who === 'admin')}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
