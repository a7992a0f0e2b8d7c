/** A mounted piece of the page: its element, and a stop() that ends its listeners. */
export interface View {
  el: HTMLElement;
  stop(): void;
}

/** A short random id for requestId (crypto.randomUUID needs a secure context; this does not). */
export function randomId(length = 20): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
