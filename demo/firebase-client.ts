// The Firebase JS client SDK (what an app uses), pointed at the local emulators.
import { deleteApp, initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import {
  connectFirestoreEmulator,
  getFirestore,
  setLogLevel,
  terminate,
  type Firestore,
} from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";
import { HOST, PORTS, PROJECT_ID } from "../stack/config";

export interface ClientSdk {
  app: FirebaseApp;
  auth: Auth;
  db: Firestore;
  functions: Functions;
  close(): Promise<void>;
}

let clients = 0;

export function connectClient(): ClientSdk {
  // The emulators accept any API key; a demo- project id keeps the SDK off real projects.
  // One app per client, so a process can hold many signed-in users at once.
  const app = initializeApp(
    { projectId: PROJECT_ID, apiKey: "demo-api-key" },
    `phoenix-demo-${Date.now()}-${++clients}`,
  );
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${HOST}:${PORTS.auth}`, { disableWarnings: true });
  const db = getFirestore(app);
  connectFirestoreEmulator(db, HOST, PORTS.firestore);
  setLogLevel("error");
  const functions = getFunctions(app, "us-central1");
  connectFunctionsEmulator(functions, HOST, PORTS.functions);
  return {
    app,
    auth,
    db,
    functions,
    close: async () => {
      await terminate(db);
      await deleteApp(app);
    },
  };
}
