/** A node of EXPLAIN (FORMAT JSON)'s plan, with the fields tests read. */
export interface PlanNode {
  readonly 'Node Type'?: string;
  readonly 'Subplan Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly Plans?: PlanNode[];
}

/** The node of a named subplan (`CTE recent`, `InitPlan 1 (returns $0)`), anywhere in the plan. */
export function findSubplan(node: PlanNode, name: string): PlanNode | undefined {
  if (node['Subplan Name'] === name) return node;
  for (const child of node.Plans ?? []) {
    const found = findSubplan(child, name);
    if (found) return found;
  }
  return undefined;
}
