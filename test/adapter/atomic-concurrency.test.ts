import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

const auth = {
  user: {
    additionalFields: { credits: { type: "number", required: false } },
  },
} as BetterAuthOptions;

/** Settles every promise, splitting values from errors. */
async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    values: results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === "rejected" ? [r.reason] : [])),
  };
}

describe("consumeOne and incrementOne under concurrency", () => {
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("atomic", auth);
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function addVerification(identifier: string, value: string) {
    await fixture.adapter.create({
      model: "verification",
      data: { identifier, value, expiresAt: new Date(Date.now() + 60_000) },
    });
  }

  it("gives one row to exactly one of 100 concurrent consumers", async () => {
    for (const value of ["v1", "v2", "v3", "v4", "v5"]) {
      await addVerification("otp:a", value);
    }

    const { values, errors } = await settle(
      Array.from({ length: 100 }, () =>
        fixture.adapter.consumeOne<Row>({
          model: "verification",
          where: [
            { field: "identifier", value: "otp:a" },
            { field: "value", value: "v3" },
          ],
        }),
      ),
    );

    expect(errors).toEqual([]);
    expect(values.filter((row) => row !== null)).toEqual([
      expect.objectContaining({ identifier: "otp:a", value: "v3" }),
    ]);
    const left = await fixture.adapter.findMany<Row>({
      model: "verification",
      where: [{ field: "identifier", value: "otp:a" }],
    });
    expect(left.map((row) => row.value).sort()).toEqual([
      "v1",
      "v2",
      "v4",
      "v5",
    ]);
  });

  it("gives a row looked up by id to exactly one of 100 consumers", async () => {
    await addVerification("otp:c", "only");
    const [row] = await fixture.adapter.findMany<Row>({
      model: "verification",
      where: [{ field: "identifier", value: "otp:c" }],
    });

    const { values, errors } = await settle(
      Array.from({ length: 100 }, () =>
        fixture.adapter.consumeOne<Row>({
          model: "verification",
          where: [{ field: "id", value: row!.id as string }],
        }),
      ),
    );

    expect(errors).toEqual([]);
    expect(values.filter((value) => value !== null)).toEqual([row]);
  });

  it("hands each of three matching rows to a different consumer", async () => {
    for (const value of ["x1", "x2", "x3"]) {
      await addVerification("otp:b", value);
    }

    const { values, errors } = await settle(
      Array.from({ length: 100 }, () =>
        fixture.adapter.consumeOne<Row>({
          model: "verification",
          where: [{ field: "identifier", value: "otp:b" }],
        }),
      ),
    );

    const consumed = values.filter((row) => row !== null);
    expect(errors).toEqual([]);
    expect(consumed.map((row) => row!.value).sort()).toEqual([
      "x1",
      "x2",
      "x3",
    ]);
    expect(values.filter((row) => row === null)).toHaveLength(97);
    expect(
      await fixture.adapter.count({
        model: "verification",
        where: [{ field: "identifier", value: "otp:b" }],
      }),
    ).toBe(0);
  });

  it("never decrements a guarded counter below zero", async () => {
    const user = await fixture.adapter.create<Row, Row>({
      model: "user",
      data: userData("credits@x.test", { credits: 10 }),
    });

    const { values, errors } = await settle(
      Array.from({ length: 50 }, () =>
        fixture.adapter.incrementOne<Row>({
          model: "user",
          where: [
            { field: "id", value: user.id as string },
            { field: "credits", value: 0, operator: "gt" },
          ],
          increment: { credits: -1 },
        }),
      ),
    );

    expect(errors).toEqual([]);
    expect(values.filter((row) => row !== null)).toHaveLength(10);
    const after = await fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: user.id as string }],
    });
    expect(after?.credits).toBe(0);
  });
});
