// PostGraphile 5 peer for the twenty-server benchmark. Loaded by `bench/postgraphile/run serve`
// (postgraphile -C <this file>). Everything comes from the environment:
//   PG_PEER_URL       PostgreSQL connection string (required), e.g. postgres://postgres@127.0.0.1:5432/twenty
//                     or, over a Unix socket, postgres://postgres@/twenty?host=/path/to/socketdir
//   PG_PEER_SCHEMA    the workspace schema to expose (required; core.workspace.schema_name, e.g. workspace_…)
//   PG_PEER_PORT      HTTP port (default 5678); always bound to 127.0.0.1
//   PG_PEER_POOL_MAX  optional pg pool size; unset = the pg driver's default (10)
// Stock Amber preset + simplify inflection + connection filter. Changes from the defaults: the developer extras
// (GraphiQL, watch mode, explain, websockets, LISTEN client) are off, and PgIndexBehaviorsPlugin is disabled.
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`graphile.config.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const connectionString = required("PG_PEER_URL");
const schema = required("PG_PEER_SCHEMA");
const port = Number(process.env.PG_PEER_PORT || 5678);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`graphile.config.mjs: PG_PEER_PORT must be a port number, got ${process.env.PG_PEER_PORT}`);
  process.exit(2);
}
const poolMax = process.env.PG_PEER_POOL_MAX ? Number(process.env.PG_PEER_POOL_MAX) : undefined;

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, PostGraphileConnectionFilterPreset],
  // V5 hides filter/orderBy for columns that are not the key of some index; the workspace tables index only id,
  // position and foreign keys, so industry/employees/deletedAt filters and createdAt ordering would not exist.
  // Our server filters and orders on any column, so expose them all - this is exactly what PostGraphile's own V4
  // preset does (ignoreIndexes defaults to true there). Adds no indexes, changes no SQL.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: [schema],
      ...(poolMax ? { poolConfig: { max: poolMax } } : {}),
      // No subscriptions in the benchmark; don't set up a LISTEN client.
      pubsub: false,
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port,
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    explain: false,
  },
};

export default preset;
