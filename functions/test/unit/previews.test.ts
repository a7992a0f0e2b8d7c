import { expect } from "chai";
import { mediaPathsOf } from "../../src/domain/creation";
import { ASPECT_SIZES, posterPathOf, spriteGridFor, spritePathOf } from "../../src/domain/previews";

describe("video previews (poster and spritesheet)", () => {
  it("live next to their video", () => {
    expect(posterPathOf("videos/u1/c1-2.mp4")).to.equal("videos/u1/c1-2.poster.jpg");
    expect(spritePathOf("videos/u1/c1.mp4")).to.equal("videos/u1/c1.sprite.jpg");
  });

  it("tile 8 evenly spaced frames of the video's shape, the interval recorded", () => {
    expect(spriteGridFor(8, ASPECT_SIZES["9:16"])).to.deep.equal({
      columns: 4,
      rows: 2,
      tileWidth: 160,
      tileHeight: 284,
      intervalSeconds: 1,
    });
    const landscape = spriteGridFor(4, ASPECT_SIZES["16:9"]);
    expect([landscape.tileHeight, landscape.intervalSeconds]).to.deep.equal([90, 0.5]);
    expect(landscape.tileHeight % 2, "even, as H.264-era scalers want").to.equal(0);
  });

  it("are published and deleted with their video", () => {
    const media = [
      {
        index: 0,
        path: "videos/u1/c1.mp4",
        url: null,
        seed: null,
        posterPath: "videos/u1/c1.poster.jpg",
        spritePath: "videos/u1/c1.sprite.jpg",
      },
      { index: 1, path: "videos/u1/c1-1.mp4", url: null, seed: null, posterPath: null },
    ];
    expect(mediaPathsOf({ media, mediaPath: "videos/u1/c1.mp4" })).to.deep.equal([
      "videos/u1/c1.mp4",
      "videos/u1/c1.poster.jpg",
      "videos/u1/c1.sprite.jpg",
      "videos/u1/c1-1.mp4",
    ]);
    expect(mediaPathsOf({ mediaPath: "videos/u1/old.mp4" })).to.deep.equal(["videos/u1/old.mp4"]);
  });
});
