// nginx's answers and the Content-Security-Policy in the page (once: the viewport changes nothing here).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { expect, expectAccessible, test } from './fixtures';
import { env, sleep, storefront } from './support';

test.beforeEach(({}, testInfo) => test.skip(testInfo.project.name !== 'desktop', 'the same on every viewport'));

test('nginx: the security headers on every answer, no version, the bundle and stylesheet gzipped', async () => {
  const assets = readdirSync(join(storefront, 'dist/assets'));
  const js = assets.find((f) => f.endsWith('.js'))!;
  const css = assets.find((f) => f.endsWith('.css'))!;
  const answers: [string, string, number][] = [
    ['the document', `${env.web}/`, 200], ['index.html', `${env.web}/index.html`, 200], ['an asset', `${env.web}/assets/${js}`, 200],
    ['the runtime configuration', `${env.web}/runtime/config.json`, 200], ['a missing asset', `${env.web}/assets/nope.js`, 404],
    ['production\'s missing demo customers', `${env.prodWeb}/runtime/demo-customers.json`, 404],
  ];
  for (const [what, url, status] of answers) {
    const response = await fetch(url, { headers: { 'Accept-Encoding': 'gzip' } });
    const body = await response.text();
    const header = (name: string) => response.headers.get(name);
    expect(response.status, `${what}: ${url}`).toBe(status);
    const policy = Object.fromEntries((header('content-security-policy') ?? '').split(';')
      .map((d) => d.trim().split(/\s+/)).filter(([d]) => d).map(([d, ...sources]) => [d, sources]));
    expect(policy['frame-ancestors'], what).toEqual(["'none'"]);
    expect(policy['script-src'], what).toEqual(["'self'"]);
    expect(policy['connect-src'], what).toContain(env.api);
    expect(header('referrer-policy'), what).toBe('no-referrer');
    expect(header('x-content-type-options'), what).toBe('nosniff');
    expect(header('x-frame-options'), what).toBe('DENY');
    expect(header('server'), `${what}: the Server header says more than nginx`).toBe('nginx');
    expect(body, `${what}: the body names nginx's version`).not.toMatch(/nginx\/\d/);
  }
  for (const asset of [js, css]) {
    // node's fetch decompresses, and says what it was sent: the raw length is the compressed one
    const response = await fetch(`${env.web}/assets/${asset}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('content-encoding'), `${asset} is not gzipped`).toBe('gzip');
    expect(response.headers.get('vary') ?? '').toMatch(/Accept-Encoding/i);
    expect(response.headers.get('cache-control') ?? '').toMatch(/immutable/);
    expect(await response.text()).toBe(readFileSync(join(storefront, 'dist/assets', asset), 'utf8'));
    // the build's .gz, sent as it is (gzip_static): the bytes on the wire are that file's
    const wire = await new Promise<number>((res, rej) => get(`${env.web}/assets/${asset}`, { headers: { 'Accept-Encoding': 'gzip' } }, (r) => {
      let n = 0;
      r.on('data', (c: Buffer) => { n += c.length; }).on('end', () => res(n));
    }).on('error', rej));
    expect(wire, `${asset}: not the build's .gz`).toBe(statSync(join(storefront, 'dist/assets', `${asset}.gz`)).size);
  }
  // a client without gzip gets the plain file
  const plain = await fetch(`${env.web}/assets/${js}`, { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect((await fetch(`${env.web}/runtime/config.json`)).headers.get('cache-control')).toBe('no-store');
});

test('the Content-Security-Policy holds in the page: no inline style, nothing from or to elsewhere', async ({ page, csp }) => {
  await page.goto(`${env.web}/#/signin`);
  await page.getByTestId('demo-customers').waitFor();
  csp.expected = true; // these are the point
  // what an injection would try: markup with a style attribute, an image from and a request to another origin
  const elsewhere = 'http://127.0.0.1:9';
  await page.evaluate((origin) => {
    document.body.insertAdjacentHTML('beforeend', `<p style="color: red">injected</p><img src="${origin}/pixel.png">`);
    return fetch(`${origin}/`).catch(() => null);
  }, elsewhere);
  const refused = () => csp.violations.join('\n');
  for (let i = 0; !['style-src-attr', 'img-src', 'connect-src'].every((d) => refused().includes(`${d} refused`)); i++) {
    expect(i, `the page refused only:\n${refused()}`).toBeLessThan(20);
    await sleep(250);
  }
  expect(await page.locator('p', { hasText: 'injected' }).evaluate((p) => getComputedStyle(p).color),
    'the style attribute applied, or the stylesheet did not').toBe('rgb(34, 34, 34)');
});

test('production serving offers no demo customers, and dist/ holds no token', async ({ page }) => {
  await page.goto(`${env.prodWeb}/#/signin`);
  await page.getByTestId('idp-sign-in').waitFor();
  await expect(page.getByTestId('demo-customers')).toHaveCount(0);
  await expectAccessible(page, 'the production sign-in');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]);
  for (const file of files(join(storefront, 'dist'))) {
    expect(file).not.toMatch(/demo-customers\.json$/);
    expect(/eyJ[A-Za-z0-9_-]{10,}\./.test(readFileSync(file, 'latin1')), `${file} holds a token`).toBe(false);
  }
});
