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
