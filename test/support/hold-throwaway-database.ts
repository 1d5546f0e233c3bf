// Run as a child process by test/generator/interrupt-cleanup.test.ts:
// opens a throwaway typegen database on the server given as the argument,
// connects to it the way pgtyped does (a socket with no error listener,
// which DROP DATABASE ... WITH (FORCE) ends), prints its name, and waits to
// be interrupted.
import pg from "pg";

import { prepareTypegenDatabase } from "../../generator/typegen/start-typegen-database.js";

const database = await prepareTypegenDatabase(process.argv[2]!).open(
  "CREATE TABLE held (id integer);",
);
const { host, port, user, dbName } = database.connection;
const client = new pg.Client({ host, port, user, database: dbName });
await client.connect();
console.log(dbName);
setInterval(() => {}, 60_000);
