// The API client: generated types (src/generated/schema.d.ts, from the OpenAPI document) with openapi-fetch, plus
// the storefront's rules for calling it: bearer token, waiting Retry-After plus jitter on 429/503 and retrying with
// the same request (so the same Idempotency-Key), and problem+json errors carrying the response's X-Request-Id.
import createClient from 'openapi-fetch';
import type { paths } from './generated/schema';

// Named by the operations that answer them, not by the document's schema names
type Ok<T> = T extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;
export type Product = NonNullable<Ok<paths['/api/products']['get']>['items']>[number];
export type Cart = Ok<paths['/api/cart']['get']>;
export type Order = Ok<paths['/api/orders/{id}']['get']>;
export type Payment = Ok<paths['/api/orders/{id}/payment']['get']>;
export type Money = NonNullable<Cart['total']>;

export type Client = ReturnType<typeof createClient<paths>>;

let token: string | null = null;
export function setToken(t: string | null) {
  token = t;
}

export function makeClient(baseUrl: string): Client {
  const client = createClient<paths>({ baseUrl });
  client.use({
    onRequest({ request }) {
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

/** An RFC 9457 problem answered by the API, with the response's request id. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail: string | undefined,
    readonly requestId: string | null,
    readonly body: Record<string, unknown>,
  ) {
    super(title);
  }

  /** The problem's slug: "out-of-stock" for https://problems.orders.shop/out-of-stock. */
  get slug(): string {
    return this.type.substring(this.type.lastIndexOf('/') + 1);
  }
}

type Result = { data?: unknown; error?: unknown; response: Response };

/** Says on screen that the service is busy and when the next try comes. */
export type BusyReporter = (secondsLeft: number) => void;

const RETRIED = new Set([429, 503]);
const MAX_TRIES = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a call; on 429 or 503 waits Retry-After (whole seconds) plus a random part of a second, counting down on
 * screen, and runs the very same call again (same body, same Idempotency-Key). Any other failure is an ApiProblem.
 */
export async function call<R extends Result>(run: () => Promise<R>, busy?: BusyReporter):
  Promise<{ data: NonNullable<R['data']>; response: Response }> {
  for (let attempt = 1; ; attempt++) {
    const result = await run();
    const { response } = result;
    if (response.ok) return { data: result.data as NonNullable<R['data']>, response };
    if (RETRIED.has(response.status) && attempt < MAX_TRIES) {
      const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
      const waitMs = (Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1) * 1000 + Math.random() * 1000;
      const until = Date.now() + waitMs;
      while (Date.now() < until) {
        busy?.(Math.ceil((until - Date.now()) / 1000));
        await sleep(Math.min(250, until - Date.now()));
      }
      busy?.(0);
      continue;
    }
    throw toProblem(result.error, response);
  }
}

export function toProblem(error: unknown, response: Response): ApiProblem {
  const body = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  return new ApiProblem(
    response.status,
    String(body.type ?? 'about:blank'),
    String(body.title ?? (response.statusText || `HTTP ${response.status}`)),
    body.detail === undefined ? undefined : String(body.detail),
    response.headers.get('X-Request-Id'),
    body,
  );
}

export function formatMoney(m: Money | undefined): string {
  if (!m || m.amountMinor === undefined || !m.currency) return '';
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency: m.currency })
    .format(m.amountMinor / 10 ** digits);
}
