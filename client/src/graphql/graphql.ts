// Typed GraphQL documents for the client and the dashboard: operation types are inferred from
// the checked-in schema (../schema/schema.graphql) through the generated introspection types
// (`npm run generate -w client` after the schema changes).
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './introspection.js';

// Fragments are not masked: a command reads the fields its documents spread, without readFragment.
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { JSON: unknown };
  disableMasking: true;
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
