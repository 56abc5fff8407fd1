import { Kind, type ValueNode } from 'graphql';
import { scalarType } from 'nexus';
import { publicError } from '../errors.js';

/** Plain JSON: recipes, device specs, search spaces, coverage. Values pass through unchanged. */
export const JsonScalar = scalarType({
  name: 'JSON',
  sourceType: 'unknown',
  description: 'Any JSON value (object, array, string, number, boolean or null).',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => literalValue(ast, {}),
});

function literalValue(ast: ValueNode, variables: Record<string, unknown>): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables[ast.name.value];
    default:
      throw publicError('BAD_USER_INPUT', 'JSON literal of an unknown kind');
  }
}
