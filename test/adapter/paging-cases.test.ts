import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InvalidQueryError } from "../../runtime/invalid-query-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type User = { id: string; email: string };

describe("limit and offset of findMany", () => {
  let fixture: AdapterFixture;
  let userId: string;

  beforeAll(async () => {
    fixture = await createAdapterFixture("paging", {});
    for (const email of ["a@x.test", "b@x.test", "c@x.test"]) {
      const user = await fixture.adapter.create<Record<string, unknown>, User>({
        model: "user",
        data: userData(email),
      });
      userId = user.id;
    }
    for (const token of ["t1", "t2"]) {
      await fixture.adapter.create({
        model: "session",
        data: {
          token,
          userId,
          expiresAt: new Date("2030-01-01T00:00:00Z"),
          updatedAt: new Date("2026-01-01T00:00:00Z"),
        },
      });
    }
  });

  afterAll(async () => {
    await fixture.drop();
  });

  function emails(page: { limit?: number; offset?: number }) {
    return fixture.adapter
      .findMany<User>({
        model: "user",
        sortBy: { field: "email", direction: "asc" },
        ...page,
      })
      .then((users) => users.map((user) => user.email));
  }

  async function refusal(call: () => Promise<unknown>) {
    fixture.statements.length = 0;
    const error = await call().catch((caught: unknown) => caught);
    expect(fixture.statements).toEqual([]);
    return error;
  }

  it.each<["limit" | "offset", number]>([
    ["offset", -5],
    ["limit", -1],
    ["offset", 1.5],
    ["limit", 1.5],
    ["limit", Number.NaN],
    ["offset", Number.POSITIVE_INFINITY],
  ])("refuses %s %d by name, sending nothing", async (option, value) => {
    const error = await refusal(() => emails({ [option]: value }));

    expect(error).toBeInstanceOf(InvalidQueryError);
    expect((error as Error).message).toBe(
      `The ${option} for model "user" must be a non-negative integer.`,
    );
  });

  it("reads offset 0 as no offset", async () => {
    expect(await emails({ offset: 0 })).toEqual([
      "a@x.test",
      "b@x.test",
      "c@x.test",
    ]);
  });

  it("returns no rows for limit 0", async () => {
    expect(await emails({ limit: 0 })).toEqual([]);
  });

  it("refuses a negative offset after a valid one cached the statement", async () => {
    expect(await emails({ offset: 1 })).toEqual(["b@x.test", "c@x.test"]);

    const error = await refusal(() => emails({ offset: -1 }));

    expect((error as Error).message).toBe(
      'The offset for model "user" must be a non-negative integer.',
    );
  });

  it.each<["limit" | "offset", number]>([
    ["offset", -5],
    ["limit", -1],
  ])(
    "refuses %s %d on a read the static query listSessionsByUserId answers",
    async (option, value) => {
      const sessions = (page: { limit?: number; offset?: number }) =>
        fixture.adapter.findMany({
          model: "session",
          where: [{ field: "userId", value: userId }],
          ...page,
        });
      fixture.statements.length = 0;
      expect(await sessions({})).toHaveLength(2);
      expect(fixture.statements.map((statement) => statement.name)).toEqual([
        "listSessionsByUserId",
      ]);

      const error = await refusal(() => sessions({ [option]: value }));

      expect((error as Error).message).toBe(
        `The ${option} for model "session" must be a non-negative integer.`,
      );
    },
  );
});
