// Browser tests of the storefront against the packaged service (target/quarkus-app), with Debian's chromium driven
// by playwright-core (no browser download) and the storefront served by nginx, as in production.
// Starts on free loopback ports: the service (profile local, a fresh database, its own Redis key prefix, orders
// rate-limited to 1 per 3 s per customer so that a second order within 3 s meets a shut door: 429 + Retry-After),
// a fake payment gateway (below), nginx; builds the storefront against the service's OpenAPI document; then runs the
// scenarios, writing a screenshot of each step to target/storefront-e2e/. Exits non-zero when one fails, and a
// scenario fails when a page refused anything under the storefront's Content-Security-Policy.
// Needs: java 25, psql/createdb (PostgreSQL on 127.0.0.1:5432 as postgres), Redis on 127.0.0.1:6379, nginx,
// /usr/bin/chromium (CHROMIUM to override), npm packages installed (bin/storefront-e2e does all of it).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSign, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const storefront = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(storefront, '..');
const out = join(root, 'target/storefront-e2e');
const jar = join(root, 'target/quarkus-app/quarkus-run.jar');
const javaHome = process.env.JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14) + '_' + process.pid;
const database = `orders_e2e_${stamp}`;
const started = Date.now();
const children = [];
const results = [];
/** Content-Security-Policy violations in any page: its securitypolicyviolation events and chromium's reports of them. */
const violations = [];

const pg = (sql) => execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-tAqc', sql],
  { encoding: 'utf8' }).trim();
const log = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((res, rej) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    }).on('error', rej);
  });
}

async function waitHttp(url, seconds, child) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child && child.exitCode !== null) throw new Error(`${url}: its process exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not yet */ }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

function start(name, command, args, options) {
  const logFile = createWriteStream(join(out, `${name}.log`));
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  children.push(child);
  return child;
}

/** An RS256 token as bin/token makes it, signed with the local-only demo key. */
function token(subject, admin = false) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({
    iss: 'https://orders.local/issuer', aud: 'order-service', sub: subject, upn: subject,
    groups: admin ? ['customer', 'admin'] : ['customer'], iat: now, exp: now + 3600, jti: randomUUID(),
  })}`;
  const signature = createSign('RSA-SHA256').update(input).sign(readFileSync(join(root, 'local-only-keys/jwt-private-key.pem')));
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The payment gateway, faked: charges are recorded when received and APPROVED; a charge paid with tok_mastercard is
 * answered only after 3 s, past the service's 2 s timeout, so the payment's outcome is UNKNOWN until the service's
 * reconciliation looks it up; refunds are paid back at once.
 */
function fakeGateway() {
  const charges = new Map();
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const answer = (status, json) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = new URL(req.url, 'http://gateway');
      if (req.method === 'POST' && url.pathname === '/v1/payments') {
        const charge = JSON.parse(body);
        const result = charges.get(charge.payment_id) ?? { status: 'APPROVED', gateway_ref: `gw_${randomUUID()}`, charge, created_at: new Date().toISOString() };
        charges.set(charge.payment_id, result);
        setTimeout(() => answer(200, { status: result.status, gateway_ref: result.gateway_ref }),
          charge.method_token === 'tok_mastercard' ? 3000 : 50);
      } else if (req.method === 'GET' && url.pathname.startsWith('/v1/payments/')) {
        const result = charges.get(url.pathname.substring('/v1/payments/'.length));
        if (result) answer(200, { status: result.status, gateway_ref: result.gateway_ref });
        else answer(404, {});
      } else if (req.method === 'GET' && url.pathname === '/v1/payments') {
        answer(200, { data: [], has_more: false });
      } else if (req.method === 'POST' && url.pathname === '/v1/refunds') {
        answer(200, { status: 'REFUNDED', gateway_ref: `rf_${randomUUID()}` });
      } else {
        answer(404, {});
      }
    });
  });
}

function nginx(name, port, runtimeDir, apiOrigin) {
  const dir = join(out, name);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const conf = readFileSync(join(storefront, 'nginx.conf'), 'utf8')
    .replace('@LISTEN@', `127.0.0.1:${port}`).replace('@DIST@', join(storefront, 'dist'))
    .replace('@RUNTIME@', runtimeDir).replace('@API_ORIGIN@', apiOrigin)
    .replace('@USER@', process.getuid() === 0 ? 'user root;' : '');
  assert.doesNotMatch(conf, /@[A-Z_]+@/, 'nginx.conf has a placeholder left');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  return start(name, 'nginx', ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'stderr']);
}

async function scenario(name, run) {
  const t0 = Date.now();
  const seen = violations.length;
  try {
    await run();
    // the app works under its Content-Security-Policy: nothing was refused in the scenario's pages
    assert.deepEqual(violations.slice(seen), [], 'Content-Security-Policy violations');
    results.push({ name, ok: true, seconds: (Date.now() - t0) / 1000 });
    log(`PASS ${name}`);
  } catch (e) {
    results.push({ name, ok: false, seconds: (Date.now() - t0) / 1000, error: e });
    log(`FAIL ${name}: ${e.stack ?? e}`);
    // a call the policy refused shows as a page that never gets its answer: say so
    if (violations.length > seen) log(`Content-Security-Policy violations meanwhile:\n  ${violations.slice(seen).join('\n  ')}`);
  }
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  assert.ok(existsSync(jar), `${jar} is missing: ./mvnw package first`);
  assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install chromium`);

  const [apiPort, mgmtPort, gatewayPort, webPort, prodWebPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const web = `http://127.0.0.1:${webPort}`;
  const api = `http://127.0.0.1:${apiPort}`;
  execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', database]);
  const gateway = fakeGateway().listen(gatewayPort, '127.0.0.1');
  children.push({ kill: () => gateway.close(), exitCode: null });

  const service = start('service', join(javaHome, 'bin/java'), [
    '-Dquarkus.profile=local', `-Dquarkus.http.port=${apiPort}`, `-Dquarkus.management.port=${mgmtPort}`,
    `-Dredis.key-prefix=e2e-${stamp}:`,
    // the door: one order per customer every 3 s, so a second one within 3 s gets 429 + Retry-After
    '-Drate-limit.orders-requests=1', '-Drate-limit.orders-per=PT3S',
    // an unknown payment outcome is looked up once it is 4 s old (the page sees it UNKNOWN first)
    '-Dpayment.reconciliation.every=1s', '-Dpayment.reconciliation.first-check-after=PT4S',
    '-Dpayment.reconciliation.retry-every=PT1S', '-Dpayment.sweep.every=off',
    '-jar', jar,
  ], {
    cwd: root,
    env: {
      ...process.env, DB_URL: `jdbc:postgresql://127.0.0.1:5432/${database}`,
      PAYMENT_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      STOREFRONT_ORIGINS: `${web},http://127.0.0.1:${prodWebPort}`,
    },
  });
  await waitHttp(`http://127.0.0.1:${mgmtPort}/q/health/ready`, 90, service);
  log(`service ready on ${api}`);

  const build = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: storefront, stdio: 'inherit',
    env: { ...process.env, OPENAPI_URL: `http://127.0.0.1:${mgmtPort}/q/openapi?format=json` },
  });
  assert.equal(build.status, 0, 'the storefront build failed');
  log('storefront built');

  // the local run's runtime files: the API's origin and demo customers; production's: the API's origin only
  const customers = ['alice', 'sam', 'olga', 'dora', 'rita', 'uma'];
  const localRuntime = join(out, 'runtime-local');
  const prodRuntime = join(out, 'runtime-production');
  mkdirSync(localRuntime, { recursive: true });
  mkdirSync(prodRuntime, { recursive: true });
  writeFileSync(join(localRuntime, 'config.json'), JSON.stringify({ apiBase: api }));
  writeFileSync(join(localRuntime, 'demo-customers.json'), JSON.stringify(customers.map((id) => ({ id, name: id[0].toUpperCase() + id.slice(1), token: token(id) }))));
  writeFileSync(join(prodRuntime, 'config.json'), JSON.stringify({ apiBase: api, identityProvider: { name: 'Shop account', signInUrl: 'https://id.example.com/authorize' } }));
  const web1 = nginx('nginx-local', webPort, localRuntime, api);
  const web2 = nginx('nginx-production', prodWebPort, prodRuntime, api);
  await waitHttp(`${web}/`, 10, web1);
  await waitHttp(`http://127.0.0.1:${prodWebPort}/`, 10, web2);

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  children.push({ kill: () => browser.close().catch(() => {}), exitCode: null });
  /** A browser context whose pages report Content-Security-Policy violations to `violations`. */
  const newContext = async (options) => {
    const context = await browser.newContext(options);
    await context.exposeBinding('reportCspViolation', ({ page }, what) => { violations.push(`${page.url()}: ${what}`); });
    await context.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => window.reportCspViolation(
      `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`)));
    context.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(`${m.page()?.url()}: console: ${m.text()}`);
    });
    return context;
  };
  let shot = 0;
  const screenshot = (page, name) => page.screenshot({ path: join(out, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  const apiCall = async (method, path, who, body, headers = {}) => {
    const response = await fetch(`${api}${path}`, {
      method, headers: { Authorization: `Bearer ${token(who, who === 'admin')}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  const orders = (customer, sku) => Number(pg(`select count(*) from customer_order o where customer_id = '${customer}'${sku
    ? ` and exists (select 1 from order_line l where l.order_id = o.id and l.sku = '${sku}')` : ''}`));

  async function signedIn(customer) {
    const context = await newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${web}/#/signin`);
    await page.click(`[data-testid=demo-customers] button[data-customer=${customer}]`);
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    return page;
  }
  async function addToCart(page, sku) {
    await page.goto(`${web}/#/products/${sku}`);
    await page.click('[data-testid=add-to-cart]');
    await page.getByTestId('added').waitFor();
  }
  /** A signed-in customer's page at checkout, with one unit of the SKU in the cart. */
  async function atCheckout(customer, sku) {
    const page = await signedIn(customer);
    await addToCart(page, sku);
    await page.goto(`${web}/#/checkout`);
    await page.getByTestId('place-order').waitFor();
    return page;
  }
  const checkoutKeys = (page) => {
    const keys = [];
    page.on('request', (r) => { if (r.url().endsWith('/api/cart/checkout') && r.method() === 'POST') keys.push(r.headers()['idempotency-key']); });
    return keys;
  };

  await scenario('nginx: the security headers on every answer, no version, the bundle gzipped', async () => {
    const js = readdirSync(join(storefront, 'dist/assets')).find((f) => f.endsWith('.js'));
    const answers = [
      ['the document', `${web}/`, 200], ['index.html', `${web}/index.html`, 200], ['an asset', `${web}/assets/${js}`, 200],
      ['the runtime configuration', `${web}/runtime/config.json`, 200], ['a missing asset', `${web}/assets/nope.js`, 404],
      ['production\'s missing demo customers', `http://127.0.0.1:${prodWebPort}/runtime/demo-customers.json`, 404],
    ];
    for (const [what, url, status] of answers) {
      const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
      const body = await response.text();
      const header = (name) => response.headers.get(name);
      assert.equal(response.status, status, `${what}: ${url}`);
      const policy = Object.fromEntries((header('content-security-policy') ?? '').split(';')
        .map((d) => d.trim().split(/\s+/)).filter(([d]) => d).map(([d, ...sources]) => [d, sources]));
      assert.deepEqual(policy['frame-ancestors'], ["'none'"], `${what}: frame-ancestors of ${header('content-security-policy')}`);
      assert.deepEqual(policy['script-src'], ["'self'"], `${what}: script-src of ${header('content-security-policy')}`);
      assert.ok(policy['connect-src']?.includes(api), `${what}: connect-src of ${header('content-security-policy')}`);
      assert.equal(header('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
      assert.equal(header('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
      assert.equal(header('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
      assert.equal(header('server'), 'nginx', `${what}: the Server header says more than nginx`);
      assert.doesNotMatch(body, /nginx\/\d/, `${what}: the body names nginx's version`);
    }
    const bundle = await fetch(`${web}/assets/${js}`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(bundle.headers.get('content-encoding'), 'gzip', 'the bundle is not gzipped');
    assert.match(bundle.headers.get('vary') ?? '', /Accept-Encoding/i);
    assert.match(bundle.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${web}/runtime/config.json`)).headers.get('cache-control'), 'no-store');
  });

  await scenario('the Content-Security-Policy holds in the page: no inline style, nothing from or to elsewhere', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${web}/#/signin`);
    await page.getByTestId('demo-customers').waitFor();
    const seen = violations.length;
    // what an injection would try: markup with a style attribute, an image from and a request to another origin
    const elsewhere = 'http://127.0.0.1:9';
    await page.evaluate((origin) => {
      document.body.insertAdjacentHTML('beforeend', `<p style="color: red">injected</p><img src="${origin}/pixel.png">`);
      return fetch(`${origin}/`).catch(() => null);
    }, elsewhere);
    const refused = () => violations.slice(seen).join('\n');
    for (let i = 0; !['style-src-attr', 'img-src', 'connect-src'].every((d) => refused().includes(`${d} refused`)); i++) {
      assert.ok(i < 20, `the page refused only:\n${refused()}`);
      await sleep(250);
    }
    assert.match(await page.locator('p', { hasText: 'injected' }).evaluate((p) => getComputedStyle(p).color), /^rgb\(34, 34, 34\)$/,
      'the style attribute applied, or the stylesheet did not');
    await context.close();
    violations.splice(seen); // these were the point
  });

  await scenario('browse, cart, checkout, pay: the order shows PAID', async () => {
    const page = await signedIn('alice');
    await page.locator('.product[data-sku=EVENT-001] .event').waitFor();
    await screenshot(page, 'catalog');
    await page.click('a[href="#/products/SKU-00001"]');
    await page.getByTestId('add-to-cart').waitFor();
    await screenshot(page, 'product');
    await page.fill('input[name=quantity]', '2');
    await page.click('[data-testid=add-to-cart]');
    await page.getByTestId('added').waitFor();
    await page.goto(`${web}/#/cart`);
    await page.getByTestId('to-checkout').waitFor();
    await screenshot(page, 'cart');
    await page.click('[data-testid=to-checkout]');
    await page.getByTestId('place-order').waitFor();
    await screenshot(page, 'checkout');
    await page.click('[data-testid=place-order]');
    await page.getByTestId('order-status').filter({ hasText: 'PENDING_PAYMENT' }).waitFor();
    await screenshot(page, 'order');
    await page.click('[data-testid=pay]');
    await page.getByTestId('order-status').filter({ hasText: 'PAID' }).waitFor();
    await screenshot(page, 'paid');
    assert.equal(pg("select string_agg(status, ',') from customer_order where customer_id = 'alice'"), 'PAID');
    // cancelled after payment: the page says the money was paid back, and when
    const orderId = pg("select id from customer_order where customer_id = 'alice'");
    const cancel = await apiCall('POST', `/api/orders/${orderId}/cancel`, 'alice');
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    await page.reload();
    await page.getByTestId('order-status').filter({ hasText: 'REFUNDED' }).waitFor();
    await page.getByTestId('payment-refund').filter({ hasText: /^Refunded .* on / }).waitFor();
    await screenshot(page, 'refunded');
    await page.context().close();
  });

  await scenario('an event product sells out and the page says so', async () => {
    const product = await apiCall('GET', '/api/products/EVENT-002', 'admin');
    const adjust = await apiCall('POST', '/api/products/EVENT-002/stock-adjustments', 'admin', { delta: 1 - product.body.available }, { 'Idempotency-Key': randomUUID() });
    assert.equal(adjust.status, 200, JSON.stringify(adjust.body));
    const page = await atCheckout('sam', 'EVENT-002');
    // somebody else buys the last unit meanwhile
    const other = await apiCall('POST', '/api/orders', 'olga', { lines: [{ sku: 'EVENT-002', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    await page.click('[data-testid=place-order]');
    await page.getByTestId('checkout-sold-out').filter({ hasText: 'Sold out: EVENT-002' }).waitFor();
    assert.equal(await page.getByTestId('error').count(), 0, 'sold out is shown as an error');
    await screenshot(page, 'sold-out-checkout');
    // the product page says so too, once the catalog cache (at most 6 s) has the new stock
    for (let i = 0; ; i++) {
      if (i === 0) await page.goto(`${web}/#/products/EVENT-002`);
      else await page.reload();
      await page.getByTestId('add-to-cart').waitFor();
      if (await page.getByTestId('sold-out').count() > 0) break;
      assert.ok(i < 16, 'the product page never said sold out');
      await sleep(500);
    }
    assert.ok(await page.getByTestId('add-to-cart').isDisabled());
    await screenshot(page, 'sold-out-product');
    assert.equal(orders('sam'), 0);
    await page.context().close();
  });

  await scenario('door shut: the page counts down Retry-After and succeeds with the same key', async () => {
    const page = await atCheckout('dora', 'SKU-00011');
    const keys = checkoutKeys(page);
    // dora's order a moment ago (another tab): the door stays shut for her for 3 s
    assert.equal((await apiCall('POST', '/api/orders', 'dora', { lines: [{ sku: 'SKU-00010', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() })).status, 201);
    await page.click('[data-testid=place-order]');
    await page.locator('#status.busy', { hasText: /busy, retrying in \d s/ }).waitFor();
    await screenshot(page, 'busy-retrying');
    await page.getByTestId('order-status').filter({ hasText: 'PENDING_PAYMENT' }).waitFor();
    await screenshot(page, 'order-after-retry');
    assert.ok(keys.length >= 2, `expected a refused request and its retry, saw ${keys.length}`);
    assert.equal(new Set(keys).size, 1, `the retry changed the key: ${keys}`);
    assert.equal(orders('dora', 'SKU-00011'), 1);
    assert.equal(orders('dora'), 2);
    await page.context().close();
  });

  await scenario('a reload mid-checkout does not create a second order', async () => {
    const page = await atCheckout('rita', 'SKU-00020');
    const keys = checkoutKeys(page);
    let reloaded;
    // the order is placed on the server, and the page is reloaded before its answer arrives
    await page.route('**/api/cart/checkout', async (route) => {
      const answer = await route.fetch();
      assert.equal(answer.status(), 201);
      reloaded = page.reload();
      await route.abort().catch(() => {});
    }, { times: 1 });
    await page.click('[data-testid=place-order]');
    await page.getByTestId('order-status').filter({ hasText: 'PENDING_PAYMENT' }).waitFor();
    await reloaded;
    await screenshot(page, 'order-after-reload');
    assert.ok(keys.length >= 2, `expected the first request and the resumed one, saw ${keys.length}`);
    assert.equal(new Set(keys).size, 1, `the reload changed the key: ${keys}`);
    assert.equal(orders('rita'), 1);
    await page.context().close();
  });

  await scenario('an UNKNOWN payment is followed until it settles', async () => {
    const page = await atCheckout('uma', 'SKU-00030');
    await page.click('[data-testid=place-order]');
    await page.getByTestId('pay').waitFor();
    await page.selectOption('select[name=method]', 'tok_mastercard');
    await page.click('[data-testid=pay]');
    await page.getByTestId('payment-unknown').waitFor();
    await screenshot(page, 'payment-unknown');
    await page.getByTestId('order-status').filter({ hasText: 'PAID' }).waitFor({ timeout: 30000 });
    await screenshot(page, 'payment-settled');
    assert.equal(pg("select string_agg(status, ',') from customer_order where customer_id = 'uma'"), 'PAID');
    await page.context().close();
  });

  await scenario('an error shows the problem\'s title and the X-Request-Id', async () => {
    const page = await signedIn('alice');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/products/NOPE-404'));
    await page.goto(`${web}/#/products/NOPE-404`);
    const requestId = (await answered).headers()['x-request-id'];
    assert.ok(requestId, 'the response carries no X-Request-Id');
    await page.getByTestId('error').filter({ hasText: `Request id: ${requestId}` }).waitFor();
    assert.ok((await page.getByTestId('error').locator('strong').textContent()).length > 0, 'no title');
    await screenshot(page, 'error');
    await page.context().close();
  });

  await scenario('production serving offers no demo customers', async () => {
    const context = await newContext({ viewport: { width: 1100, height: 500 } });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${prodWebPort}/#/signin`);
    await page.getByTestId('idp-sign-in').waitFor();
    assert.equal(await page.getByTestId('demo-customers').count(), 0);
    await screenshot(page, 'production-sign-in');
    // nothing of the demo sign-in is built into the app
    const files = (dir) => readdirSync(dir).flatMap((f) => statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]);
    for (const file of files(join(storefront, 'dist'))) {
      assert.ok(!file.endsWith('demo-customers.json'), file);
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(readFileSync(file, 'utf8')), `${file} holds a token`);
    }
    await context.close();
  });
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  for (const child of children.reverse()) child.kill();
  await sleep(500);
  spawnSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', database]);
  // the carts and rate-limit buckets under this run's key prefix
  spawnSync('redis-cli', ['-h', '127.0.0.1', 'EVAL',
    "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end", '0', `e2e-${stamp}:*`]);
}
const failures = results.filter((r) => !r.ok);
console.log(`\nstorefront e2e: ${results.length - failures.length} of ${results.length} scenarios passed in `
  + `${((Date.now() - started) / 1000).toFixed(0)} s; screenshots and logs in target/storefront-e2e/`);
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
process.exit(failed || failures.length > 0 || results.length === 0 ? 1 : 0);
