// Browser tests of the storefront (e2e/*.spec.ts) against the packaged service, with Debian's chromium (no browser
// download) and the storefront served by nginx, as in production. e2e/global-setup.ts starts the service, a fake
// payment gateway and nginx on free loopback ports and builds the storefront; every spec runs on a desktop and a
// phone viewport. Traces and screenshots of failures, the service's and nginx's logs: target/storefront-e2e/.
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: '../target/storefront-e2e/results',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // two workers: one per project's share of the specs; every test uses its own customers and products
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { outputFolder: '../target/storefront-e2e/report', open: 'never' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'desktop', use: { browserName: 'chromium', viewport: { width: 1100, height: 700 } } },
    { name: 'phone', use: { browserName: 'chromium', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 } },
  ],
});
