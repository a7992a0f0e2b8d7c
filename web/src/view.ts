/** A mounted piece of the page: its element, and a stop() that ends its listeners. */
export interface View {
  el: HTMLElement;
  stop(): void;
}
