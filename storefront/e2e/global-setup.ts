// Starts, on free loopback ports: the packaged service (profile local, a fresh database, its own Redis key prefix,
// orders rate-limited to 1 per 3 s per customer so that a second order within 3 s meets a shut door: 429 +
// Retry-After), a fake payment gateway (below) and two nginx (the local run's serving, with demo customers, and
// production's, without); builds the storefront against the service's OpenAPI document. Returns the teardown, which
// stops them all and drops the database and the run's Redis keys.
// Needs: java 25, psql/createdb (PostgreSQL on 127.0.0.1:5432 as postgres), Redis on 127.0.0.1:6379, nginx,
// /usr/bin/chromium (CHROMIUM to override) (bin/storefront-e2e checks all of it).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { out, root, sleep, storefront, token } from './support';

const jar = join(root, 'target/quarkus-app/quarkus-run.jar');
const javaHome = process.env.JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    }).on('error', rej);
  });
}

async function waitHttp(url: string, seconds: number, child?: ChildProcess) {
  for (let i = 0; i < seconds * 4; i++) {
    if (child && child.exitCode !== null) throw new Error(`${url}: its process exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not yet */ }
    await sleep(250);
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/**
 * The payment gateway, faked: charges are recorded when received and APPROVED; a charge paid with tok_mastercard is
 * answered only after 3 s, past the service's 2 s timeout, so the payment's outcome is UNKNOWN until the service's
 * reconciliation looks it up; refunds are paid back at once.
 */
function fakeGateway() {
  const charges = new Map<string, { status: string; gateway_ref: string }>();
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const answer = (status: number, json: object) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (req.method === 'POST' && url.pathname === '/v1/payments') {
        const charge = JSON.parse(body);
        const result = charges.get(charge.payment_id) ?? { status: 'APPROVED', gateway_ref: `gw_${randomUUID()}` };
        charges.set(charge.payment_id, result);
        const delay = charge.method_token === 'tok_mastercard' ? 3000 : charge.method_token === 'tok_slow' ? 1500 : 50;
        setTimeout(() => answer(200, { status: result.status, gateway_ref: result.gateway_ref }), delay);
      } else if (req.method === 'GET' && url.pathname.startsWith('/v1/payments/')) {
        const result = charges.get(url.pathname.substring('/v1/payments/'.length));
        if (result) answer(200, result);
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

export default async function globalSetup() {
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14) + '_' + process.pid;
  const database = `orders_e2e_${stamp}`;
  const children: { kill: () => unknown }[] = [];
  const teardown = async () => {
    for (const child of children.reverse()) child.kill();
    await sleep(500);
    spawnSync('dropdb', ['-h', '127.0.0.1', '-U', 'postgres', '--if-exists', '--force', database]);
    // the carts and rate-limit buckets under this run's key prefix
    spawnSync('redis-cli', ['-h', '127.0.0.1', 'EVAL',
      "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end", '0', `e2e-${stamp}:*`]);
  };
  const start = (name: string, command: string, args: string[], options: object = {}) => {
    const logFile = createWriteStream(join(out, `${name}.log`));
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(logFile);
    child.stderr!.pipe(logFile);
    children.push(child);
    return child;
  };
  const nginx = (name: string, port: number, runtimeDir: string, apiOrigin: string) => {
    const dir = join(out, name);
    mkdirSync(join(dir, 'tmp'), { recursive: true });
    const conf = readFileSync(join(storefront, 'nginx.conf'), 'utf8')
      .replace('@LISTEN@', `127.0.0.1:${port}`).replace('@DIST@', join(storefront, 'dist'))
      .replace('@RUNTIME@', runtimeDir).replace('@API_ORIGIN@', apiOrigin)
      .replace('@USER@', process.getuid?.() === 0 ? 'user root;' : '');
    if (/@[A-Z_]+@/.test(conf)) throw new Error('nginx.conf has a placeholder left');
    writeFileSync(join(dir, 'nginx.conf'), conf);
    return start(name, 'nginx', ['-p', `${dir}/`, '-c', 'nginx.conf', '-e', 'stderr']);
  };

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (!existsSync(jar)) throw new Error(`${jar} is missing: ./mvnw package first`);
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
  try {
    const [apiPort, mgmtPort, gatewayPort, webPort, prodWebPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const web = `http://127.0.0.1:${webPort}`;
    const api = `http://127.0.0.1:${apiPort}`;
    execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', database]);
    const gateway = fakeGateway().listen(gatewayPort, '127.0.0.1');
    children.push({ kill: () => gateway.close() });

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
    const t0 = Date.now();
    // the build meanwhile (from src/main/openapi/openapi.yaml, or the service's document when that file is missing)
    const buildEnv = { ...process.env, OPENAPI_URL: `http://127.0.0.1:${mgmtPort}/q/openapi?format=json` };
    if (!existsSync(join(root, 'src/main/openapi/openapi.yaml'))) await waitHttp(`http://127.0.0.1:${mgmtPort}/q/health/ready`, 90, service);
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: storefront, stdio: 'inherit', env: buildEnv });
    if (build.status !== 0) throw new Error('the storefront build failed');
    await waitHttp(`http://127.0.0.1:${mgmtPort}/q/health/ready`, 90, service);
    console.log(`service ready on ${api} and storefront built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // the local run's runtime files: the API's origin and demo customers; production's: the API's origin only
    const customers = ['alice', 'sam'];
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

    process.env.E2E_WEB = web;
    process.env.E2E_PROD_WEB = `http://127.0.0.1:${prodWebPort}`;
    process.env.E2E_API = api;
    process.env.E2E_DATABASE = database;
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
