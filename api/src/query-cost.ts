import { ApolloServerErrorCode } from '@apollo/server/errors';
import { DEFAULT_PAGE, MAX_PAGE } from '@frontier/schema';
import { TECHNIQUES } from '@frontier/workers';
import {
  GraphQLError,
  getNamedType,
  getNullableType,
  getVariableValues,
  isLeafType,
  isListType,
  isObjectType,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * How long a list the schema does not page is taken to be, where the domain bounds it more tightly
 * than a default page: a candidate has at most one compression stage per technique.
 */
const LIST_LENGTHS: ReadonlyMap<string, number> = new Map([['Candidate.stages', TECHNIQUES.length]]);

/**
 * Frontier's query cost: about how many values the server resolves to answer the operation.
 * - A scalar or enum field (or a list of them) costs 1; an object field 1 plus its selection.
 * - A paged field (one with `first`, a Relay connection) costs 1 plus `first` times its selection,
 *   `first` taken from the literal or the variable, else the default page, and at most `MAX_PAGE`
 *   (past that the resolver refuses the page itself, naming the limit). Its `edges` list then
 *   costs as one, the page already counted; `pageInfo` and `totalCount` are counted once per
 *   item too, an overestimate of 6 per item that keeps the rule simple.
 * - Any other list of objects costs 1 plus its length times its selection, the length taken as a
 *   default page (`DEFAULT_PAGE`) unless `LIST_LENGTHS` bounds it.
 * - `__schema` and `__type` cost nothing: introspection is switched off in production, and a
 *   development tool's introspection query would otherwise cost like a list in a list.
 * Aliases and fragments are counted where they are used, so 15 aliases of a page cost 15 pages.
 */
const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name === '__schema' || field.name === '__type') return 0;
  if (isLeafType(getNamedType(field.type))) return 1;
  if (field.args.some((arg) => arg.name === 'first')) return 1 + pageSize(args['first']) * childComplexity;
  const nullable = getNullableType(field.type);
  if (!isListType(nullable)) return 1 + childComplexity;
  if (isObjectType(type) && 'pageInfo' in type.getFields()) return 1 + childComplexity;
  return 1 + (LIST_LENGTHS.get(`${type.name}.${field.name}`) ?? DEFAULT_PAGE) * childComplexity;
};

function pageSize(first: unknown): number {
  if (typeof first !== 'number') return DEFAULT_PAGE;
  return Math.min(Math.max(first, 0), MAX_PAGE);
}

export interface CostCheck {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  /** The operation to be run (a validated document may hold several). */
  readonly operation: OperationDefinitionNode;
  /** The request's variables, as sent. */
  readonly variables: Readonly<Record<string, unknown>> | null | undefined;
  readonly maxCost: number;
}

/**
 * The cost of an operation with its variables (see `costEstimator`), or undefined when its
 * variables do not fit their definitions: execution then refuses them itself, before any resolver
 * runs, with graphql-js's message naming the variable.
 */
export function operationCost(o: Omit<CostCheck, 'maxCost'>): number | undefined {
  const coerced = getVariableValues(o.schema, o.operation.variableDefinitions ?? [], { ...o.variables });
  if (coerced.errors) return undefined;
  const document: DocumentNode = {
    ...o.document,
    // Only the operation that runs (and the fragments) is costed, not its siblings in the document.
    definitions: o.document.definitions.filter((d) => d.kind !== 'OperationDefinition' || d === o.operation),
  };
  return getComplexity({ schema: o.schema, query: document, variables: { ...o.variables }, estimators: [costEstimator] });
}

/**
 * The refusal of an operation costing more than `maxCost`, or undefined when it may run. The error
 * is a validation failure (`GRAPHQL_VALIDATION_FAILED`), like the depth and alias limits.
 */
export function costRefusal(o: CostCheck): GraphQLError | undefined {
  let cost: number | undefined;
  try {
    cost = operationCost(o);
  } catch (err) {
    // graphql-query-complexity refuses a document of more than 10 000 selections outright.
    return refusal(err instanceof GraphQLError ? err.message : String(err));
  }
  if (cost === undefined || cost <= o.maxCost) return undefined;
  return refusal(`query cost ${cost} exceeds the limit of ${o.maxCost} (about one value resolved per field and list item; ask for smaller pages or fewer fields)`);
}

function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED } });
}
