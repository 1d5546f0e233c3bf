/**
 * Freezes a value and everything reachable from it, in place, and returns
 * it. Generated modules wrap their manifest literal in it so that no caller
 * can change the schema the runtime trusts for identifiers. Objects already
 * frozen are taken as frozen all the way down.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
