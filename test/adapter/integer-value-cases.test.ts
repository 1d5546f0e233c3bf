import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

const INTEGER_REFUSAL =
  "is an integer column; the value is not a whole number within its range.";
const BIGINT_REFUSAL =
  "is a bigint column; the value is not a whole number within its range.";
const BIGINT_ARRAY_REFUSAL =
  "is a bigint[] column; the value is not an array of whole numbers within its range.";

describe("data values an integer column cannot hold", () => {
  const auth = {
    user: {
      additionalFields: {
        loginCount: { type: "number", required: false },
        visits: { type: "number", bigint: true, required: false },
        visitTimes: { type: "number[]", bigint: true, required: false },
        ratings: { type: "number[]", required: false },
        preferences: { type: "json", required: false },
      },
    },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("integer_values", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  /** The error of the call, after checking that it sent nothing. */
  async function refusal(call: () => Promise<unknown>) {
    fixture.statements.length = 0;
    const error = await call().catch((caught: unknown) => caught);
    expect(fixture.statements).toEqual([]);
    return error;
  }

  let users = 0;
  function create(extra: Row) {
    users += 1;
    return fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData(`user${users}@x.test`, extra),
    });
  }

  function findById(id: unknown) {
    return fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: id as string }],
    });
  }

  it.each<[string, Row, string, string]>([
    ["a fraction", { loginCount: 2.5 }, "loginCount", INTEGER_REFUSAL],
    ["2^31", { loginCount: 2147483648 }, "loginCount", INTEGER_REFUSAL],
    ["-2^31 - 1", { loginCount: -2147483649 }, "loginCount", INTEGER_REFUSAL],
    ["1e12", { loginCount: 1e12 }, "loginCount", INTEGER_REFUSAL],
    ["NaN", { loginCount: Number.NaN }, "loginCount", INTEGER_REFUSAL],
    [
      "Infinity",
      { loginCount: Number.POSITIVE_INFINITY },
      "loginCount",
      INTEGER_REFUSAL,
    ],
    ["a word", { loginCount: "ZZLEAK" }, "loginCount", INTEGER_REFUSAL],
    ["a decimal string", { loginCount: "2.5" }, "loginCount", INTEGER_REFUSAL],
    [
      "an exponent string",
      { loginCount: "1e3" },
      "loginCount",
      INTEGER_REFUSAL,
    ],
    [
      "digits with a non-breaking space",
      { loginCount: "5\u00a0" },
      "loginCount",
      INTEGER_REFUSAL,
    ],
    ["an empty string", { loginCount: "" }, "loginCount", INTEGER_REFUSAL],
    ["a boolean", { loginCount: true }, "loginCount", INTEGER_REFUSAL],
    ["an array", { loginCount: [1] }, "loginCount", INTEGER_REFUSAL],
    [
      "a BigInt of 2^31",
      { loginCount: 2n ** 31n },
      "loginCount",
      INTEGER_REFUSAL,
    ],
    ["a bigint fraction", { visits: 1.5 }, "visits", BIGINT_REFUSAL],
    ["the number 2^63", { visits: 2 ** 63 }, "visits", BIGINT_REFUSAL],
    [
      "the number -2^63, which prints as -9223372036854776000",
      { visits: -(2 ** 63) },
      "visits",
      BIGINT_REFUSAL,
    ],
    [
      "the text 2^63",
      { visits: "9223372036854775808" },
      "visits",
      BIGINT_REFUSAL,
    ],
    [
      "a BigInt below -2^63",
      { visits: -(2n ** 63n) - 1n },
      "visits",
      BIGINT_REFUSAL,
    ],
    [
      "a fraction in a bigint[]",
      { visitTimes: [1, 2.5] },
      "visitTimes",
      BIGINT_ARRAY_REFUSAL,
    ],
    [
      "2^63 in a bigint[]",
      { visitTimes: [2 ** 63] },
      "visitTimes",
      BIGINT_ARRAY_REFUSAL,
    ],
    [
      "a number for a bigint[]",
      { visitTimes: 5 },
      "visitTimes",
      BIGINT_ARRAY_REFUSAL,
    ],
  ])(
    "refuses %s on create, naming model, field and type and sending nothing",
    async (_case, extra, field, reason) => {
      const error = await refusal(() => create(extra));

      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(
        `Field "${field}" of model "user" ${reason}`,
      );
    },
  );

  it("refuses a fraction on update, and again on the cached statement", async () => {
    const user = await create({ loginCount: 1 });
    const setCount = (loginCount: unknown) =>
      fixture.adapter.update<Row>({
        model: "user",
        where: [{ field: "id", value: user.id as string }],
        update: { loginCount },
      });

    const compiled = await refusal(() => setCount(2.5));
    expect((await setCount(2))?.loginCount).toBe(2);
    const cached = await refusal(() => setCount(1e12));

    for (const error of [compiled, cached]) {
      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(
        `Field "loginCount" of model "user" ${INTEGER_REFUSAL}`,
      );
    }
    expect((await findById(user.id))?.loginCount).toBe(2);
  });

  it("refuses a string on a create that reuses a cached statement", async () => {
    await create({ loginCount: 3 });

    const error = await refusal(() => create({ loginCount: "ZZLEAK" }));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `Field "loginCount" of model "user" ${INTEGER_REFUSAL}`,
    );
  });

  it("refuses a fraction in the set of an increment", async () => {
    const user = await create({ loginCount: 0 });

    const error = await refusal(() =>
      fixture.adapter.incrementOne({
        model: "user",
        where: [{ field: "id", value: user.id as string }],
        increment: { visits: 1 },
        set: { loginCount: 0.5 },
      }),
    );

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `Field "loginCount" of model "user" ${INTEGER_REFUSAL}`,
    );
  });

  it.each<[string, Row, string, string]>([
    ["a fraction", { loginCount: 2.5 }, "loginCount", "integer"],
    ["1e12", { loginCount: 1e12 }, "loginCount", "integer"],
    ["NaN", { loginCount: Number.NaN }, "loginCount", "integer"],
    ["a numeric string", { loginCount: "1" }, "loginCount", "integer"],
    ["2^63", { visits: 2 ** 63 }, "visits", "bigint"],
  ])(
    "refuses an increment by %s, sending nothing",
    async (_case, increment, field, type) => {
      const user = await create({ loginCount: 0, visits: 0 });

      const error = await refusal(() =>
        fixture.adapter.incrementOne({
          model: "user",
          where: [{ field: "id", value: user.id as string }],
          increment: increment as Record<string, number>,
        }),
      );

      expect(error).toBeInstanceOf(InvalidQueryError);
      expect((error as Error).message).toBe(
        `The increment of field "${field}" of model "user" must be a whole number within the range of its ${type} column.`,
      );
    },
  );

  it("increments an integer column by 2^31 - 1", async () => {
    const user = await create({ loginCount: 0 });

    const updated = await fixture.adapter.incrementOne<Row>({
      model: "user",
      where: [{ field: "id", value: user.id as string }],
      increment: { loginCount: 2147483647 },
    });

    expect(updated?.loginCount).toBe(2147483647);
  });

  it.each<[string, unknown, number]>([
    ["0", 0, 0],
    ["-1", -1, -1],
    ["2^31 - 1", 2147483647, 2147483647],
    ["-2^31", -2147483648, -2147483648],
    ["the text of 2^31 - 1, padded", " +2147483647\n", 2147483647],
    ["a BigInt", 7n, 7],
  ])("stores %s in an integer column", async (_case, loginCount, expected) => {
    const user = await create({ loginCount });

    expect(user.loginCount).toBe(expected);
    expect((await findById(user.id))?.loginCount).toBe(expected);
  });

  it.each<[string, unknown, number]>([
    ["2^53 - 1", Number.MAX_SAFE_INTEGER, 9007199254740991],
    ["the largest double below 2^63", 2 ** 63 - 1024, 9223372036854774784],
    ["the least double above -2^63", -(2 ** 63 - 1024), -9223372036854774784],
    ["the text of -2^63", "-9223372036854775808", -9223372036854775808],
  ])("stores %s in a bigint column", async (_case, visits, expected) => {
    const user = await create({ visits });

    expect(user.visits).toBe(expected);
    expect((await findById(user.id))?.visits).toBe(expected);
  });

  it("stores the bigint limits given as BigInts digit for digit", async () => {
    const low = await create({ visits: -(2n ** 63n) });
    const high = await create({ visits: 2n ** 63n - 1n });

    const { rows } = await fixture.pool.query<{ visits: string }>(
      `SELECT "visits"::text AS visits FROM "user" WHERE "id" = ANY($1) ORDER BY "visits"`,
      [[low.id, high.id]],
    );
    expect(rows.map((row) => row.visits)).toEqual([
      "-9223372036854775808",
      "9223372036854775807",
    ]);
  });

  it("stores the doubles nearest the bigint limits in a bigint[] column", async () => {
    const visitTimes = [-(2 ** 63 - 1024), 0, null, 2 ** 63 - 1024];
    const user = await create({ visitTimes });

    expect((await findById(user.id))?.visitTimes).toEqual([
      -9223372036854774784,
      0,
      null,
      9223372036854774784,
    ]);
  });

  it("matches nothing for a where value of -2^63 as a number, which prints past the range, sending nothing", async () => {
    await create({ visits: 1 });
    fixture.statements.length = 0;

    const found = await fixture.adapter.findMany({
      model: "user",
      where: [{ field: "visits", value: -(2 ** 63) }],
    });

    expect(found).toEqual([]);
    expect(fixture.statements).toEqual([]);
  });

  it("leaves fractions in number[] and JSON columns alone", async () => {
    const user = await create({
      ratings: [2.5, -0.125, 1e300],
      preferences: { count: 2.5, big: 1e12, word: "ZZLEAK" },
    });

    const found = await findById(user.id);
    expect(found?.ratings).toEqual([2.5, -0.125, 1e300]);
    expect(found?.preferences).toEqual({
      count: 2.5,
      big: 1e12,
      word: "ZZLEAK",
    });
  });
});

describe("data values a serial id column cannot hold", () => {
  const auth = {
    advanced: { database: { generateId: "serial" } },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("serial_values", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function refusal(call: () => Promise<unknown>) {
    fixture.statements.length = 0;
    const error = await call().catch((caught: unknown) => caught);
    expect(fixture.statements).toEqual([]);
    return error;
  }

  function createUser(email: string, id: unknown) {
    return fixture.adapter.create<Row, Row>({
      model: "user",
      data: { ...userData(email), id },
      forceAllowId: true,
    });
  }

  it.each<[string, unknown]>([
    ["a fractional id", 2.5],
    ["an id past 2^31 - 1", 2147483648],
    ["an id of 1e12 as text", "1e12"],
  ])("refuses %s, sending nothing", async (_case, id) => {
    const error = await refusal(() => createUser("forced@x.test", id));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `Field "id" of model "user" ${INTEGER_REFUSAL}`,
    );
  });

  it("stores the largest integer id and returns it as a string", async () => {
    const user = await createUser("largest@x.test", 2147483647);

    expect(user.id).toBe("2147483647");
    const found = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: "2147483647" }],
    });
    expect(found?.email).toBe("largest@x.test");
  });

  it("refuses a reference that is not a number, naming the model", async () => {
    const error = await refusal(() =>
      fixture.adapter.create({
        model: "session",
        data: {
          token: "t1",
          userId: "ZZLEAK",
          expiresAt: new Date("2030-01-01T00:00:00Z"),
        },
      }),
    );

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `Field "userId" of model "session" ${INTEGER_REFUSAL}`,
    );
  });
});
