/**
 * The rule every rate-limit consume is measured with: a 60-second window
 * (the longest of Better Auth's default special rules) and a max no bench
 * block reaches, so every contestant takes its "inside the window, allowed"
 * path, the one production traffic takes most.
 */
export const RATE_LIMIT_RULE = { window: 60, max: 1_000_000 } as const;
