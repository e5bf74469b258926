import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/**
 * Applies `patch` to an item only if it still exists and, when `expect` is given,
 * its attribute holds that value (null: is absent); returns whether it did.
 */
export const updateExisting = async (
  db: DynamoDBDocumentClient,
  table: string,
  key: Record<string, string>,
  patch: Readonly<Record<string, unknown>>,
  expect?: { readonly attribute: string; readonly value: string | null },
): Promise<boolean> => {
  const update = updateExpression(patch);
  let condition = 'attribute_exists(pk)';
  if (expect) {
    update.ExpressionAttributeNames['#expected'] = expect.attribute;
    if (expect.value === null) condition += ' AND attribute_not_exists(#expected)';
    else {
      condition += ' AND #expected = :expected';
      (update as { ExpressionAttributeValues?: Record<string, unknown> }).ExpressionAttributeValues = { ...update.ExpressionAttributeValues, ':expected': expect.value };
    }
  }
  try {
    await db.send(new UpdateCommand({ TableName: table, Key: key, ConditionExpression: condition, ...update }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};
