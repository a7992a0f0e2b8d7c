/**
 * The functions' own Admin SDK and express, loaded from functions/node_modules (the root has no
 * copy of either): one Admin SDK in the process, so the harness and in-process handlers share
 * its app. Types resolve through the `paths` of tsconfig.base.json.
 */
import { createRequire } from "node:module";
import path from "node:path";

const fromFunctions = createRequire(path.resolve(__dirname, "../functions/package.json"));

export const adminApp = fromFunctions("firebase-admin/app") as typeof import("firebase-admin/app");
export const adminFirestore = fromFunctions(
  "firebase-admin/firestore",
) as typeof import("firebase-admin/firestore");
export const adminFunctions = fromFunctions(
  "firebase-admin/functions",
) as typeof import("firebase-admin/functions");
export const express = fromFunctions("express") as typeof import("express");
