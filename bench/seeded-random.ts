/**
 * A small deterministic generator (mulberry32) seeded from a label, so that
 * every contestant measured in the same round of the same operation gets the
 * same sequence of inputs.
 */
export function seededRandom(label: string): () => number {
  let state = hashLabel(label);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function hashLabel(label: string): number {
  let hash = 2166136261;
  for (let index = 0; index < label.length; index += 1) {
    hash = Math.imul(hash ^ label.charCodeAt(index), 16777619);
  }
  return hash >>> 0;
}
