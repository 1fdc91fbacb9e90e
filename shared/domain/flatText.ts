/**
 * `parts` joined into one string that V8 holds flat in memory. A string built with `+` or a template
 * literal is kept as a tree of its parts (a "cons string") once it is 13 characters or longer: a stored
 * wire time then held about 190 bytes instead of 40, an index key about 400, and every stored body, key
 * and etag held several such trees for the garbage collector to walk and copy at each collection.
 * `join` copies the parts into one string. For strings that documents and indexes keep; a string that
 * is used once and dropped gains nothing from it.
 */
export function flatText(...parts: string[]): string {
  return parts.join('');
}
