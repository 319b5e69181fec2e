export default async function globalTeardown() {
  // Taken once: with the e2e and browser projects in one run, both teardowns come here, and the second finds nothing to do.
  const teardown = globalThis.__gatehouseTestTeardown;
  globalThis.__gatehouseTestTeardown = undefined;
  await teardown?.();
}
