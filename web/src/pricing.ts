/**
 * The prices the backend charges, from the shared domain module: the preview and the debit
 * cannot disagree.
 */
export { priceOf } from "../../functions/src/domain/pricing";
