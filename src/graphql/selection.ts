import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the current field's selection reaches `path` (through fragments and inline fragments).
 * Lets a service fetch a relation in the same statement only when the client asked for it.
 */
export function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  return info.fieldNodes.some((node) => reaches(node.selectionSet, path, info));
}

function reaches(selectionSet: SelectionSetNode | undefined, path: readonly string[], info: GraphQLResolveInfo): boolean {
  if (path.length === 0) return true;
  if (!selectionSet) return false;
  const [head, ...rest] = path;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      if ((selection as FieldNode).name.value === head && reaches(selection.selectionSet, rest, info)) return true;
    } else if (selection.kind === 'InlineFragment') {
      if (reaches(selection.selectionSet, path, info)) return true;
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && reaches(fragment.selectionSet, path, info)) return true;
    }
  }
  return false;
}

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
    if (selection.kind === 'Field') {
      if (head === undefined) names.add(selection.name.value);
      else if (selection.name.value === head) collect(selection.selectionSet, rest, info, names);
    } else if (selection.kind === 'InlineFragment') {
      collect(selection.selectionSet, path, info, names);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment) collect(fragment.selectionSet, path, info, names);
    }
  }
}
