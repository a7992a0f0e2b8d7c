// The environment that puts the functions' Admin Firestore client on REST (preferRest) without
// a code change: the SDK reads FIRESTORE_PREFER_REST. Its REST transport asks for
// application-default credentials even against an emulator; the stack's metadata-server
// stand-in provides them once google-auth-library stops probing whether it runs on Google
// Cloud (the stand-in answers only the paths the functions use).
export const PREFER_REST_ENV = {
  FIRESTORE_PREFER_REST: "true",
  METADATA_SERVER_DETECTION: "assume-present",
} as const;
