/** Server-sent events read from a fetch body: chunks in, whole `event`/`data` records out. Pure, for unit tests. */

export interface SseRecord {
  readonly event: string;
  readonly data: string;
}

/** A parser fed text chunks as they arrive; `onRecord` gets each complete record. */
export const createSseParser = (onRecord: (record: SseRecord) => void): ((chunk: string) => void) => {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
      if (data.length) onRecord({ event, data: data.join('\n') });
    }
  };
};
