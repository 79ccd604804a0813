import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Names of the fields selected at the end of `path` (through fragments), empty when the path is
 * not selected at all.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, path, info, names);
  return names;
}

function collect(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo, names: Set<string>): void {
  if (!selectionSet) return;
  const [head, ...rest] = path;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (head === undefined) names.add(selection.name.value);
      else if (selection.name.value === head) collect(selection.selectionSet, rest, info, names);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, path, info, names);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) collect(fragment.selectionSet, path, info, names);
    }
  }
}
