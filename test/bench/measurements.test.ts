import { describe, expect, it } from "vitest";

import {
  median,
  pairedRatio,
  relativeSpread,
} from "../../bench/measurements.js";

describe("median", () => {
  it("takes the middle value of an odd count", () => {
    expect(median([9, 1, 5])).toBe(5);
  });

  it("takes the mean of the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("pairedRatio", () => {
  it("divides round by round before taking the median", () => {
    // Ratios 0.5, 2, 0.5; the ratio of the medians would be 200 / 200 = 1.
    expect(pairedRatio([100, 300, 200], [200, 150, 400])).toBe(0.5);
  });

  it("ignores rounds the floor did not run", () => {
    expect(pairedRatio([30, 60, 90], [60, 120])).toBe(0.5);
  });
});

describe("relativeSpread", () => {
  it("is half the range over the median", () => {
    expect(relativeSpread([90, 100, 110])).toBe(0.1);
  });

  it("is zero for a single round", () => {
    expect(relativeSpread([100])).toBe(0);
  });
});
