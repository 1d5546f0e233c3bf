import pg from "pg";

/**
 * Runs `work` on a new single `pg.Client` connected to `url`, and ends the
 * client afterwards, also when `work` throws.
 */
export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
