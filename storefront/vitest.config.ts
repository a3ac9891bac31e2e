import { defineConfig } from 'vitest/config';

// Unit tests of the storefront's rules (test/*.test.ts): keys, quantities, labels, routes. No browser needed.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], environment: 'node' } });
