import { expect } from "chai";
import { serviceAccountEmail } from "../../src/config/deployment";
import { settingProblems, type DeploymentSettings } from "../../src/config/readiness";
import {
  capabilitiesOf,
  DEFAULT_VIDEO_MODEL,
  unsupportedFields,
  VIDEO_MODELS,
} from "../../src/domain/video-capabilities";

const production: DeploymentSettings = {
  emulator: false,
  vertexProject: "phoenix-prod",
  veoOutputUri: "gs://phoenix-veo-tmp/veo/",
  veoModels: {
    standard: "veo-3.1-generate-001",
    fast: "veo-3.1-fast-generate-001",
    lite: "veo-3.1-lite-generate-001",
  },
  veoStartsPerMinute: 50,
  r2Endpoint: "https://acct.r2.cloudflarestorage.com",
  r2PublicUrl: "https://media.example.com",
  timeScale: 1,
};

describe("production settings (fail closed)", () => {
  it("accepts a complete production configuration", () => {
    expect(settingProblems(production)).to.deep.equal([]);
  });

  it("names each missing or unusable setting outside the emulator", () => {
    const problems = settingProblems({
      ...production,
      vertexProject: "",
      veoOutputUri: "",
      r2Endpoint: "http://127.0.0.1:9000",
      r2PublicUrl: "",
      timeScale: 30,
    });
    expect(problems.map((p) => p.split(" ")[0])).to.deep.equal([
      "VERTEX_PROJECT",
      "VEO_OUTPUT_URI",
      "R2_ENDPOINT",
      "R2_PUBLIC_URL",
      "TIME_SCALE",
    ]);
  });

  it("refuses a start rate above the model's quota, and unknown or preview models", () => {
    expect(settingProblems({ ...production, veoStartsPerMinute: 51 })[0]).to.match(
      /^VEO_STARTS_PER_MINUTE 51 exceeds .* 50\/min/,
    );
    const withModel = (choice: "standard" | "fast" | "lite", id: string) => ({
      ...production,
      veoModels: { ...production.veoModels, [choice]: id },
    });
    expect(settingProblems(withModel("fast", "veo-3.0-generate-001"))).to.deep.equal([
      "VEO_STARTS_PER_MINUTE 50 exceeds veo-3.0-generate-001's quota of 10/min (VEO_MODEL_FAST)",
    ]);
    expect(settingProblems(withModel("lite", "veo-3.1-fast-generate-preview"))[0]).to.match(
      /^VEO_MODEL_LITE "veo-3.1-fast-generate-preview" is not a known GA Veo model/,
    );
  });

  it("lets the emulator run the local model with local endpoints", () => {
    const local = {
      ...production,
      emulator: true,
      vertexProject: "",
      veoOutputUri: "",
      timeScale: 30,
    };
    expect(settingProblems({ ...local, r2Endpoint: "http://127.0.0.1:9000" })).to.deep.equal([]);
    expect(settingProblems({ ...local, veoStartsPerMinute: 3000 })).to.deep.equal([]);
  });
});

describe("video model capabilities (Vertex AI model pages)", () => {
  it("lists only GA model ids; the default is Veo 3.1 Fast at 50 starts per minute", () => {
    for (const [id, model] of Object.entries(VIDEO_MODELS)) {
      expect(id).not.to.match(/preview/);
      expect(model.ga, id).to.equal(true);
    }
    expect(DEFAULT_VIDEO_MODEL).to.equal("veo-3.1-fast-generate-001");
    expect(capabilitiesOf(DEFAULT_VIDEO_MODEL)?.startsPerMinute).to.equal(50);
    expect(capabilitiesOf("veo-3.0-generate-001")?.startsPerMinute).to.equal(10);
    expect(capabilitiesOf("toString")).to.equal(undefined);
  });

  it("accepts every combination of the contract on Veo 3.1", () => {
    const model = capabilitiesOf("veo-3.1-generate-001");
    if (!model) throw new Error("missing veo-3.1-generate-001");
    for (const aspectRatio of ["16:9", "9:16"] as const)
      for (const resolution of ["720p", "1080p"] as const)
        for (const duration of [4, 6, 8] as const)
          for (const generateAudio of [false, true]) {
            const request = { aspectRatio, resolution, duration, generateAudio };
            expect(unsupportedFields(model, request), JSON.stringify(request)).to.deep.equal([]);
          }
  });

  /** A request every model row takes (Veo 2's narrowest row included). */
  const base = {
    aspectRatio: "16:9",
    resolution: "720p",
    duration: 8,
    generateAudio: false,
  } as const;

  it("names the fields Veo 2 cannot honour", () => {
    const model = capabilitiesOf("veo-2.0-generate-001");
    if (!model) throw new Error("missing veo-2.0-generate-001");
    expect(unsupportedFields(model, base)).to.deep.equal([]);
    expect(unsupportedFields(model, { ...base, duration: 4 })).to.deep.equal(["duration"]);
    expect(unsupportedFields(model, { ...base, resolution: "1080p" })).to.deep.equal([
      "resolution",
    ]);
    expect(unsupportedFields(model, { ...base, generateAudio: true, duration: 4 })).to.deep.equal([
      "duration",
      "generateAudio",
    ]);
  });

  it("passes enhancePrompt only to a model with a prompt rewriter", () => {
    for (const [id, model] of Object.entries(VIDEO_MODELS)) {
      expect(unsupportedFields(model, { ...base, enhancePrompt: true }), id).to.deep.equal([]);
    }
    const withoutRewriter = { ...VIDEO_MODELS["veo-3.1-lite-generate-001"], promptRewriter: false };
    expect(unsupportedFields(withoutRewriter, { ...base, enhancePrompt: false })).to.deep.equal([
      "enhancePrompt",
    ]);
    expect(unsupportedFields(withoutRewriter, base)).to.deep.equal([]);
  });
});

describe("the functions' own identity (task OIDC tokens)", () => {
  it("expands firebase-functions' 'name@' form with the project", () => {
    expect(serviceAccountEmail("phoenix-functions-prod@", "phoenix-prod")).to.equal(
      "phoenix-functions-prod@phoenix-prod.iam.gserviceaccount.com",
    );
    expect(serviceAccountEmail("ci@other.iam.gserviceaccount.com", "phoenix-prod")).to.equal(
      "ci@other.iam.gserviceaccount.com",
    );
  });

  it("leaves the lookup to the Admin SDK when the account cannot be known", () => {
    expect(serviceAccountEmail("phoenix-functions-prod@", "")).to.equal(undefined);
    expect(serviceAccountEmail("", "phoenix-prod")).to.equal(undefined);
  });
});
