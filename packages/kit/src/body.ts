import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { BadRequest } from './errors';

/**
 * A request's body as JSON, read with raw-body up to `limit` bytes (Content-Length checked before
 * reading, a chunked body cut off as soon as it passes the limit). What cannot be read is a 400
 * naming `body`: body_too_large, or invalid_json.
 */
export async function readJson(ctx: Context, limit: number, what = 'the body'): Promise<unknown> {
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit, length: ctx.request.length, encoding: 'utf8' });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large')
      throw new BadRequest('body_too_large', `${what} is larger than ${limit / 1024} KiB`, {
        body: `at most ${limit / 1024} KiB`,
      });
    throw new BadRequest('unreadable_body', `${what} could not be read: ${(err as Error).message}`, {
      body: type ?? 'unreadable',
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequest('invalid_json', 'the body is not valid JSON', { body: (err as Error).message });
  }
}
