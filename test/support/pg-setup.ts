import { randomBytes } from "node:crypto";
import { adminQuery } from "./engine.js";

/**
 * Global setup of the PostgreSQL project: names this run, so that its test databases
 * (crm_test_<run>_*) never meet another run's, and drops whatever of them is left at the end.
 */
export default async function setup() {
  process.env.CRM_TEST_RUN = randomBytes(4).toString("hex");
  const prefix = `crm_test_${process.env.CRM_TEST_RUN}_`;
  return async () => {
    const left = await adminQuery(`select datname from pg_database where datname like '${prefix}%'`);
    for (const row of left.rows) await adminQuery(`drop database if exists ${row.datname} with (force)`);
  };
}
