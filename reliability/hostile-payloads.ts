// Generated hostile inputs for the callables: every payload is invalid by construction (a
// valid base with at least one definite violation), so any accepted one is a finding.
// Bodies are raw JSON text: some keys (`__proto__`) cannot be built as object literals.

export interface HostileCall {
  fn: string;
  /** The raw request body (callable protocol: {"data": …}). */
  body: string;
  label: string;
}

/** Deterministic PRNG (mulberry32), so a failing payload can be reproduced by its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const j = (value: unknown) => JSON.stringify(value);
const nest = (depth: number, leaf: string) => "[".repeat(depth) + leaf + "]".repeat(depth);
const nestObj = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + "}".repeat(depth);

/** Field values that are wrong for generateVideo, by field. */
const BAD_VALUES: Record<string, string[]> = {
  prompt: [
    "123",
    "true",
    "null",
    "[]",
    "{}",
    j(["a prompt"]),
    j(""),
    j("   "),
    j("\n\t \r"),
    j("x".repeat(2001)),
    j("y".repeat(100_000)),
    j("\u0000"),
    j("bell \u0007"),
    j("\u001b[31mred"),
    j("del \u007f"),
    j("\ud800"),
    j("lone low \udfff end"),
    j("\udc00\ud800"),
    nest(64, '"deep"'),
    nestObj(64, '"deep"'),
    j({ toString: "x" }),
    '{"@type":"type.googleapis.com/google.protobuf.Int64Value","value":"1"}',
  ],
  aspectRatio: [j("4:3"), "16", j(""), j("16:9 "), j("9:16\u0000"), "null", j(["16:9"])],
  duration: [j("8"), "5", "8.5", "-4", "0", "1e309", j("eight"), "null", "[8]", "{}"],
  resolution: [j("4k"), j("720"), "720", j("720P"), "true"],
  generateAudio: [j("true"), "1", "0", j("false"), "null", "{}"],
  negativePrompt: ["5", j("n".repeat(1001)), j("\u0000"), j("\ud83d"), j(""), "[]"],
  seed: ["-1", String(2 ** 32), "1.5", j("7"), "1e400", "true", "NaN".length.toString() + ".25"],
  requestId: [
    j("abc"),
    j("has space!!"),
    j("r".repeat(129)),
    "5",
    j("../../etc"),
    j("id\u0000x1234"),
    j("ünïcödé-id"),
  ],
};

const EXTRA_FIELDS = [
  ['"admin"', "true"],
  ['"userId"', j("someone-else")],
  ['"cost"', "0"],
  ['"status"', j("draft")],
  ['"balance"', "1000000"],
  ['"constructor"', j({ prototype: { admin: true } })],
  ['"__proto__"', j({ admin: true })],
  ['"toString"', j("x")],
  ['"prompt "', j("x")],
  ['""', j("empty key")],
  ['"\\u0000"', "1"],
  ['"hasOwnProperty"', "1"],
];

const NOT_AN_OBJECT = [
  "null",
  "[]",
  j("a prompt"),
  "42",
  "true",
  j([{ prompt: "x" }]),
  nest(2000, "1"),
  nestObj(2000, "1"),
];

/** `count` generateVideo payloads (plus a fixed set for the other callables). */
export function hostilePayloads(count: number, seed = 0x5eed): HostileCall[] {
  const random = rng(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const calls: HostileCall[] = [];
  const fields = Object.keys(BAD_VALUES);

  // Every bad value once, then random combinations of one to three violations.
  for (const field of fields)
    for (const bad of BAD_VALUES[field])
      calls.push(generate({ [field]: bad }, `${field}=${bad.slice(0, 40)}`));
  for (const [key, value] of EXTRA_FIELDS)
    calls.push(generate({ [key]: value }, `extra ${key}`, true));
  for (const data of NOT_AN_OBJECT)
    calls.push({
      fn: "generateVideo",
      body: `{"data":${data}}`,
      label: `data=${data.slice(0, 30)}`,
    });
  while (calls.length < count) {
    const violations = 1 + Math.floor(random() * 3);
    const fieldsBad: Record<string, string> = {};
    for (let i = 0; i < violations; i++) {
      if (random() < 0.25) {
        const [key, value] = pick(EXTRA_FIELDS);
        fieldsBad[key] = value;
      } else {
        const field = pick(fields);
        fieldsBad[j(field)] = pick(BAD_VALUES[field]);
      }
    }
    calls.push(generate(fieldsBad, `random ${j(Object.keys(fieldsBad))}`, true));
  }
  return calls;
}

/** A valid generateVideo body with some fields replaced or added (keys as raw JSON). */
function generate(bad: Record<string, string>, label: string, rawKeys = false): HostileCall {
  const entries = new Map<string, string>([
    ['"prompt"', j("a valid prompt")],
    ['"duration"', "4"],
  ]);
  for (const [key, value] of Object.entries(bad)) entries.set(rawKeys ? key : j(key), value);
  const data = `{${[...entries].map(([k, v]) => `${k}:${v}`).join(",")}}`;
  return { fn: "generateVideo", body: `{"data":${data}}`, label };
}

/** Bad creation references for the lifecycle callables, and bodies that are not the protocol. */
export function hostileLifecycleCalls(foreignCreationId: string): HostileCall[] {
  const refs = [
    "null",
    "{}",
    j({ creationId: 5 }),
    j({ creationId: "" }),
    j({ creationId: "../x" }),
    j({ creationId: "a".repeat(129) }),
    j({ creationId: { $gt: "" } }),
    j({ creationId: ["x"] }),
    j({ creationId: "doesNotExist123" }),
    j({ creationId: foreignCreationId }),
    j({ creationId: foreignCreationId, extra: 1 }),
    `{"__proto__":{"creationId":"x"},"creationId":5}`,
  ];
  const calls: HostileCall[] = [];
  for (const fn of ["cancelCreation", "publishCreation", "deleteCreation", "getMediaUrl"])
    for (const ref of refs)
      calls.push({ fn, body: `{"data":${ref}}`, label: `${fn} ${ref.slice(0, 40)}` });
  const grants = [
    j({ userId: "x", amount: 1000, reason: "free money" }),
    j({ userId: "x", amount: -5, reason: "r" }),
    j({ amount: 1e9 }),
    "null",
  ];
  for (const g of grants)
    calls.push({ fn: "grantTokens", body: `{"data":${g}}`, label: `grantTokens ${g}` });
  // Not the callable protocol: no data field, extra top-level keys, malformed JSON.
  for (const body of [
    "{}",
    '{"data":{"prompt":"x"},"extra":1}',
    '{"data":',
    "not json",
    '{"data":{"prompt":"x"}}}',
  ])
    calls.push({ fn: "generateVideo", body, label: `body ${body}` });
  return calls;
}

/**
 * Visual inputs an attacker can try: forged upload ids, someone else's video as a frame source
 * or to extend, malformed references; and createUpload with types and sizes it must refuse.
 * All are refused before anything is written.
 */
export function hostileInputCalls(foreignCreationId: string): HostileCall[] {
  const forged = `up_${"A".repeat(28)}`;
  const foreign = { creationId: foreignCreationId };
  const inputs: Record<string, unknown>[] = [
    { image: forged },
    { image: "uploads/victim/up_x" },
    { image: { ...foreign, frame: "last" } },
    { image: { ...foreign, frame: "middle" } },
    { lastFrame: forged },
    { image: forged, lastFrame: { ...foreign, frame: "first" } },
    { referenceImages: [] },
    { referenceImages: Array.from({ length: 4 }, () => ({ image: forged })) },
    { referenceImages: [{ image: forged, referenceType: "pose" }] },
    { extend: foreign },
    { extend: { creationId: "../x" } },
    { extend: foreignCreationId },
  ];
  const calls: HostileCall[] = inputs.map((input) => ({
    fn: "generateVideo",
    body: `{"data":${j({ prompt: "a valid prompt", ...input })}}`,
    label: `inputs ${j(input).slice(0, 60)}`,
  }));
  const uploads = [
    { contentType: "image/gif", size: 10 },
    { contentType: "text/html", size: 10 },
    { contentType: "image/png", size: 9_000_000 },
    { contentType: "image/png", size: 0 },
    { contentType: "image/png", size: -1 },
    { contentType: "image/png", size: 1.5 },
    { contentType: "image/png" },
    { contentType: "image/png", size: 10, key: "uploads/victim/x" },
    null,
  ];
  for (const upload of uploads)
    calls.push({
      fn: "createUpload",
      body: `{"data":${j(upload)}}`,
      label: `createUpload ${j(upload)}`,
    });
  return calls;
}
