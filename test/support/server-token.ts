/**
 * A server token for tests that run real changes (execution.dryRun: false). Demo mode with real
 * execution is refused (src/config/demo-mode.ts), so these configs leave demo mode as a live
 * deployment must. Tests that drive the runtime in-process serve no HTTP, so it guards nothing
 * there; tests of a real `patchbot start` speak through personal access tokens.
 */
export const TEST_SERVER_TOKEN = 'patchbot-test-server-token-0123456789';
