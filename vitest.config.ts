import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn FUSE daemons; separate processes keep a stuck
    // mount or a native crash from taking the whole run down.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
