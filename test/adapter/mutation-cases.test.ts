import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { UniqueViolationError } from "../../runtime/database-error.js";
import {
  createAdapterFixture,
  userData,
  type AdapterFixture,
} from "./adapter-fixture.js";

type User = {
  id: string;
  email: string;
  emailVerified: boolean;
  name: string;
  createdAt: Date;
};

describe("C05: what update, updateMany and deleteMany return", () => {
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c05", {});
    for (const email of ["old@x.test", "b@x.test", "c@x.test"]) {
      await fixture.adapter.create({ model: "user", data: userData(email) });
    }
  });

  afterAll(async () => {
    await fixture.drop();
  });

  async function names() {
    const users = await fixture.adapter.findMany<User>({ model: "user" });
    return users.map((user) => user.name).sort();
  }

  it("counts the three rows updateMany changed, as a number", async () => {
    const count = await fixture.adapter.updateMany({
      model: "user",
      where: [{ field: "emailVerified", value: false }],
      update: { emailVerified: true },
    });

    expect(count).toBe(3);
  });

  it("returns the full row after an update of its own where field", async () => {
    const updated = await fixture.adapter.update<User>({
      model: "user",
      where: [{ field: "email", value: "old@x.test" }],
      update: { email: "new@x.test" },
    });

    expect(updated).toMatchObject({
      email: "new@x.test",
      name: "old",
      emailVerified: true,
    });
    expect(updated?.createdAt).toBeInstanceOf(Date);
  });

  it("returns null and changes nothing for update where []", async () => {
    const updated = await fixture.adapter.update({
      model: "user",
      where: [],
      update: { name: "everyone" },
    });

    expect(updated).toBeNull();
    expect(await names()).toEqual(["b", "c", "old"]);
  });

  it("returns null for an update that matches no row", async () => {
    const updated = await fixture.adapter.update({
      model: "user",
      where: [{ field: "id", value: "missing" }],
      update: { name: "ghost" },
    });

    expect(updated).toBeNull();
  });

  it("updates every row for updateMany where [] and counts them", async () => {
    const count = await fixture.adapter.updateMany({
      model: "user",
      where: [],
      update: { name: "all" },
    });

    expect(count).toBe(3);
    expect(await names()).toEqual(["all", "all", "all"]);
  });

  it("counts the rows deleteMany removed, as a number", async () => {
    const count = await fixture.adapter.deleteMany({
      model: "user",
      where: [{ field: "emailVerified", value: true }],
    });

    expect(count).toBe(3);
    expect(await fixture.adapter.count({ model: "user" })).toBe(0);
  });
});

describe("C21: concurrent duplicate creates", () => {
  let fixture: AdapterFixture;

  beforeAll(async () => {
    fixture = await createAdapterFixture("c21", {});
  });

  afterAll(async () => {
    await fixture.drop();
  });

  it("declares unique indexes on user.email and session.token", async () => {
    const { rows } = await fixture.pool.query(
      `SELECT tablename, indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'
         AND indexname NOT LIKE '%_pkey'
       ORDER BY tablename`,
    );

    expect(rows).toEqual([
      {
        tablename: "session",
        indexdef:
          "CREATE UNIQUE INDEX session_token_key ON public.session USING btree (token)",
      },
      {
        tablename: "user",
        indexdef:
          'CREATE UNIQUE INDEX user_email_key ON public."user" USING btree (email)',
      },
    ]);
  });

  it("lets exactly one of ten concurrent creates win", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        fixture.adapter.create<Record<string, unknown>, User>({
          model: "user",
          data: userData("dup@x.test"),
        }),
      ),
    );

    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.flatMap((result) =>
      result.status === "rejected" ? [result.reason] : [],
    );
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ value: { email: "dup@x.test" } });
    expect(lost).toHaveLength(9);
    for (const error of lost) {
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(error).toMatchObject({ code: "23505", table: "user" });
      expect(error.message).not.toContain("dup@x.test");
      expect(error.cause).toMatchObject({ code: "23505" });
    }
    expect(await fixture.adapter.count({ model: "user" })).toBe(1);
  });

  it("rejects the lowercased Dup@X.test as the same email", async () => {
    const email = "Dup@X.test".toLowerCase();

    await expect(
      fixture.adapter.create({ model: "user", data: userData(email) }),
    ).rejects.toMatchObject({ name: "UniqueViolationError", code: "23505" });
    expect(await fixture.adapter.count({ model: "user" })).toBe(1);
  });
});
