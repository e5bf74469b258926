import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocClient } from './tables.ts';
import { isConditionFailure } from './items.ts';

/** `SET a = :a, … REMOVE b, …` from a patch: undefined values remove their attribute. */
export const updateExpression = (patch: Readonly<Record<string, unknown>>) => {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    names[`#${k}`] = k;
    if (v === undefined) removes.push(`#${k}`);
    else {
      sets.push(`#${k} = :${k}`);
      values[`:${k}`] = v;
    }
  }
  const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
  return {
    UpdateExpression: expression,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
};

export interface Expectation {
  readonly attribute: string;
  /** null: the attribute is absent. */
  readonly value: string | null;
}

/** An update of an existing item (and, with `expect`, one whose attribute holds a value): expression, names, values, condition. */
export const conditionalUpdate = (patch: Readonly<Record<string, unknown>>, expect?: Expectation) => {
  const update = updateExpression(patch);
  const names: Record<string, string> = { ...update.ExpressionAttributeNames };
  const values: Record<string, unknown> = { ...update.ExpressionAttributeValues };
  let condition = 'attribute_exists(pk)';
  if (expect) {
    names['#expected'] = expect.attribute;
    if (expect.value === null) condition += ' AND attribute_not_exists(#expected)';
    else {
      condition += ' AND #expected = :expected';
      values[':expected'] = expect.value;
    }
  }
  return {
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
};

/**
 * Applies `patch` to an item only if it still exists and, when `expect` is given,
 * its attribute holds that value (null: is absent); returns whether it did.
 */
export const updateExisting = async (
  db: DocClient,
  table: string,
  key: Record<string, string>,
  patch: Readonly<Record<string, unknown>>,
  expect?: Expectation,
): Promise<boolean> => {
  try {
    await db.send(new UpdateCommand({ TableName: table, Key: key, ...conditionalUpdate(patch, expect) }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};
