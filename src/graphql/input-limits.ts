import { getNamedType, GraphQLID, GraphQLString, isInputObjectType, isInterfaceType, isListType, isNonNullType, isObjectType, type GraphQLInputType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { INPUT_LIMITS, inputKindOf } from '../common/input-limits';

const DESCRIBED_TYPES: ReadonlySet<GraphQLNamedType> = new Set([GraphQLString, GraphQLID]);

/**
 * Appends each String or ID argument's and input field's limit to its description, so the schema
 * itself tells partners (and codegen's comments tell apps) what INPUT_LIMITS enforces.
 */
export function describeInputLimits(schema: GraphQLSchema): void {
  const describe = (item: { name: string; type: GraphQLInputType; description?: string | null }) => {
    if (!DESCRIBED_TYPES.has(getNamedType(item.type))) return;
    const { maxLength } = INPUT_LIMITS[inputKindOf(item.name)];
    const nullable = isNonNullType(item.type) ? item.type.ofType : item.type;
    const note = isListType(nullable) ? `Each at most ${maxLength} characters.` : `At most ${maxLength} characters.`;
    const text = item.description?.trim() ?? '';
    if (text.endsWith(note)) return;
    item.description = text === '' ? note : `${text} ${note}`;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) describe(field);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) for (const argument of field.args) describe(argument);
    }
  }
}
