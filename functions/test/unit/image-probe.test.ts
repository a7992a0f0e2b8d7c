import { expect } from "chai";
import { checkImage, sniffImageType } from "../../src/domain/image-probe";
import { MAX_UPLOAD_BYTES } from "../../src/contract";
import { solidImage, type ImageType } from "../helpers/images";

describe("image probe (the worker's check of uploaded bytes)", () => {
  const types: ImageType[] = ["image/png", "image/jpeg", "image/webp"];

  for (const type of types) {
    it(`reads the type and dimensions of a real ${type}`, () => {
      const bytes = solidImage(type, "red", 320, 200);
      expect(sniffImageType(bytes)).to.equal(type);
      expect(checkImage(bytes, { contentType: type, size: bytes.length })).to.deep.equal({
        ok: true,
        facts: { contentType: type, width: 320, height: 200 },
      });
    });

    it(`refuses a truncated ${type}`, () => {
      const bytes = solidImage(type, "red", 320, 200);
      const cut = bytes.subarray(0, Math.floor(bytes.length * 0.7));
      const check = checkImage(cut, { contentType: type });
      expect(check).to.deep.equal({ ok: false, problem: "the file is truncated or damaged" });
    });
  }

  it("trusts the magic number, not the declared content type", () => {
    const png = solidImage("image/png", "blue");
    expect(checkImage(png, { contentType: "image/jpeg" })).to.deep.equal({
      ok: false,
      problem: "the file is image/png, not the image/jpeg declared",
    });
    const text = Buffer.from("<html>not an image</html>");
    expect(checkImage(text, { contentType: "image/png" })).to.deep.equal({
      ok: false,
      problem: "the file is not a JPEG, PNG or WebP image",
    });
  });

  it("refuses a size other than declared, an oversized or empty file, and tiny images", () => {
    const png = solidImage("image/png", "green");
    expect(checkImage(png, { contentType: "image/png", size: png.length - 1 })).to.have.property(
      "ok",
      false,
    );
    const huge = Buffer.concat([png, Buffer.alloc(MAX_UPLOAD_BYTES)]);
    expect(checkImage(huge, { contentType: "image/png" })).to.deep.equal({
      ok: false,
      problem: `the file is larger than ${MAX_UPLOAD_BYTES} bytes`,
    });
    expect(checkImage(Buffer.alloc(0), { contentType: "image/png" })).to.deep.equal({
      ok: false,
      problem: "the file is empty",
    });
    const tiny = solidImage("image/png", "green", 32, 32);
    expect(checkImage(tiny, { contentType: "image/png" })).to.deep.equal({
      ok: false,
      problem: "the image is 32x32; each side must be 64-8192 pixels",
    });
  });
});
