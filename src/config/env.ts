/**
 * The one place in src/ that reads the process environment (DESIGN §2, Probot's read-env-options):
 * everything else receives env as a parameter, so tests pass their own and nothing leaks in.
 * A test in this folder fails the build when another file under src/ reads it directly.
 */
export const readEnv = (): Record<string, string | undefined> => ({ ...process.env });
