import { generateId } from "@better-auth/core/utils/id";

import type { Contestant } from "../contestant.js";
import { createCountingPool } from "../counting-pool.js";
import { RATE_LIMIT_RULE } from "../rate-limit-rule.js";
import { rawRateLimitConsume } from "./raw-rate-limit-consume.js";

// The floor: one hand-written statement per operation, sent with
// `pool.query` and no mapping of the rows. The SQL is written for the schema
// of this repository's config (the user's additional and plugin columns are
// listed by hand).

const SESSION_WITH_USER = `
SELECT s."id", s."expiresAt", s."token", s."createdAt", s."updatedAt",
       s."ipAddress", s."userAgent", s."userId", s."activeOrganizationId",
       s."activeTeamId", s."impersonatedBy",
       u."id" AS "user.id", u."name" AS "user.name", u."email" AS "user.email",
       u."emailVerified" AS "user.emailVerified", u."image" AS "user.image",
       u."createdAt" AS "user.createdAt", u."updatedAt" AS "user.updatedAt",
       u."username" AS "user.username",
       u."displayUsername" AS "user.displayUsername",
       u."twoFactorEnabled" AS "user.twoFactorEnabled",
       u."role" AS "user.role", u."banned" AS "user.banned",
       u."banReason" AS "user.banReason", u."banExpires" AS "user.banExpires",
       u."nickname" AS "user.nickname", u."loginCount" AS "user.loginCount",
       u."marketingOptIn" AS "user.marketingOptIn",
       u."birthDate" AS "user.birthDate", u."preferences" AS "user.preferences",
       u."tags" AS "user.tags", u."luckyNumbers" AS "user.luckyNumbers"
FROM "session" s JOIN "user" u ON u."id" = s."userId"
WHERE s."token" = $1`;

/** Raw `pg` with hand-written SQL: the floor every ratio is taken against. */
export function createRawPgContestant(
  url: string,
  poolSize: number,
): Contestant {
  const counting = createCountingPool(url, poolSize);
  const pool = counting.pool;

  const deleteSession = async (token: string) => {
    await pool.query(`DELETE FROM "session" WHERE "token" = $1`, [token]);
  };
  const sessionWithUser = async (token: string) => {
    const { rows } = await pool.query(SESSION_WITH_USER, [token]);
    return rows[0] ?? null;
  };

  return {
    name: "raw pg",
    namespace: "raw",
    counting,
    notes: [
      "raw pg getSession: not applicable (raw pg has no Better Auth); the cell is the floor for its database part, the session+user query and the expiry check.",
    ],
    close: () => pool.end(),
    operations: {
      createUser: async (user) => {
        const now = new Date();
        const { rows } = await pool.query(
          `INSERT INTO "user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
           VALUES ($1, $2, $3, false, $4, $4) RETURNING *`,
          [generateId(), user.name, user.email.toLowerCase(), now],
        );
        return rows[0];
      },
      findUserByEmail: async (email) => {
        const { rows } = await pool.query(
          `SELECT * FROM "user" WHERE "email" = $1 LIMIT 1`,
          [email],
        );
        return rows[0] ?? null;
      },
      sessionWithUser,
      updateSession: async (token) => {
        const now = new Date();
        const { rows } = await pool.query(
          `UPDATE "session" SET "expiresAt" = $2, "updatedAt" = $3
           WHERE "token" = $1 RETURNING *`,
          [token, new Date(now.getTime() + 7 * 86_400_000), now],
        );
        return rows[0] ?? null;
      },
      listSessions: async (userId) => {
        const { rows } = await pool.query(
          `SELECT * FROM "session" WHERE "userId" = $1 AND "expiresAt" > $2`,
          [userId, new Date()],
        );
        return rows;
      },
      countUsers: async () => {
        const { rows } = await pool.query<{ count: string }>(
          `SELECT count(*) FROM "user"`,
        );
        return Number(rows[0]!.count);
      },
      deleteSession: (token) => deleteSession(token),
      deleteSessionRow: (token) => deleteSession(token),
      rateLimitConsume: (key) =>
        rawRateLimitConsume(pool, key, RATE_LIMIT_RULE),
      getSession: async (headers) => {
        const cookie = headers.get("cookie") ?? "";
        const token = decodeURIComponent(cookie.split("=")[1] ?? "").split(
          ".",
        )[0]!;
        const row = await sessionWithUser(token);
        return row !== null && row.expiresAt > new Date() ? row : null;
      },
    },
  };
}
