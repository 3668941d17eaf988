/**
 * Quoting for the two shells patchbot drives. Values reaching these functions already passed the
 * parameter's pattern and the checks in render.ts; quoting is the second wall, not the only one.
 */

/** POSIX sh: inside single quotes nothing is special; a quote is closed, escaped and reopened. */
export const shQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * PowerShell: inside single quotes nothing expands; a quote is escaped by doubling it. PowerShell
 * also takes the typographic quotes U+2018–U+201B as single quotes, so those are doubled too
 * (render.ts refuses non-ASCII for Windows anyway; this keeps shQuote's twin safe on its own).
 */
export const psQuote = (value: string): string => `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;

/**
 * Set before every Windows step: progress records would otherwise arrive as `#< CLIXML` on
 * stderr (integrations.md §5.4), the parsers read UTF-8, and a failing cmdlet must fail the step
 * instead of printing a red line and carrying on.
 */
export const POWERSHELL_PRELUDE = "$ProgressPreference = 'SilentlyContinue'; $ErrorActionPreference = 'Stop'; [Console]::OutputEncoding = [Text.UTF8Encoding]::new($false)\n";

const POWERSHELL = 'powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ';

/** cmd.exe, OpenSSH for Windows' default shell, refuses longer command lines. */
export const CMD_EXE_LIMIT = 8191;

/**
 * A PowerShell script as one command line for OpenSSH on Windows. -EncodedCommand (base64 of
 * UTF-16LE) passes through cmd.exe or PowerShell as the login shell without any quoting, so the
 * script text needs no escaping at all; the price is length (about 2.7 bytes per character).
 */
export const encodePowerShell = (script: string): string => POWERSHELL + Buffer.from(POWERSHELL_PRELUDE + script, 'utf16le').toString('base64');
