import type { BetterAuthOptions } from "better-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type Row = Record<string, unknown>;

const TRICKY_TAGS = ["a", "b,c", "{x}", '"q"', "NULL"];

describe("C17: string[] and number[] fields round-trip as arrays", () => {
  const auth = {
    user: {
      additionalFields: {
        tags: { type: "string[]", required: false, defaultValue: [] },
        scores: { type: "number[]", required: false },
      },
    },
    advanced: { database: { joins: true } },
  } as BetterAuthOptions;
  let fixture: AdapterFixture;
  let ids: { tricky: string; empty: string; none: string };

  beforeAll(async () => {
    fixture = await createAdapterFixture("c17", auth);
    const create = async (email: string, extra: Row) => {
      const user = await fixture.adapter.create<Row, Row>({
        model: "user",
        data: userData(email, extra),
      });
      return user.id as string;
    };
    ids = {
      tricky: await create("tricky@x.test", {
        tags: TRICKY_TAGS,
        scores: [1, 2.5],
      }),
      empty: await create("empty@x.test", { tags: [] }),
      none: await create("none@x.test", { tags: null }),
    };
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function findUser(id: string) {
    return fixture.adapter.findOne<Row>({
      model: "user",
      where: [{ field: "id", value: id }],
    });
  }

  it("declares text[] and double precision[] columns", async () => {
    const { rows } = await fixture.pool.query(
      `SELECT column_name, udt_name FROM information_schema.columns
       WHERE table_name = 'user' AND column_name IN ('tags', 'scores')
       ORDER BY column_name`,
    );

    expect(rows).toEqual([
      { column_name: "scores", udt_name: "_float8" },
      { column_name: "tags", udt_name: "_text" },
    ]);
  });

  it("returns commas, braces, quotes and the string NULL unchanged", async () => {
    const user = await findUser(ids.tricky);

    expect(user?.tags).toEqual(TRICKY_TAGS);
    expect(user?.scores).toEqual([1, 2.5]);
  });

  it("keeps [] as [] and null as null", async () => {
    expect((await findUser(ids.empty))?.tags).toEqual([]);
    expect((await findUser(ids.none))?.tags).toBeNull();
  });

  it("stores a native array, not a JSON string", async () => {
    const { rows } = await fixture.pool.query(
      `SELECT tags[2] AS second, cardinality(tags) AS size FROM "user" WHERE id = $1`,
      [ids.tricky],
    );

    expect(rows[0]).toEqual({ second: "b,c", size: 5 });
  });

  it("replaces the array on update", async () => {
    const updated = await fixture.adapter.update<Row>({
      model: "user",
      where: [{ field: "id", value: ids.tricky }],
      update: { tags: ["z"] },
    });

    expect(updated?.tags).toEqual(["z"]);
    expect((await findUser(ids.tricky))?.tags).toEqual(["z"]);
  });

  it("returns arrays inside joined rows too", async () => {
    await fixture.adapter.create({
      model: "session",
      data: {
        token: "arrays",
        userId: ids.empty,
        expiresAt: new Date(),
        updatedAt: new Date(),
      },
    });

    const session = await fixture.adapter.findOne<Row>({
      model: "session",
      where: [{ field: "token", value: "arrays" }],
      join: { user: true },
    });

    expect(session?.user).toMatchObject({ tags: [], scores: null });
  });
});
