/**
 * The Phoenix client for apps (Firebase JS SDK v12). The request/response types and zod
 * schemas are the functions' own (functions/src/contract): one source of truth.
 *
 *   const { creationId } = await generateVideo(getFunctions(app), { prompt: "a fox" });
 *   watchCreation(getFirestore(app), creationId, (c) => render(c));
 */
export * from "../functions/src/contract";
export * from "./callables";
export * from "./errors";
export * from "./pricing";
export * from "./types";
export * from "./watch";
export * from "./uploads";
