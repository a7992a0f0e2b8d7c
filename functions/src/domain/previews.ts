/**
 * Previews of a delivered video: a poster (one JPEG, the first good frame) and a spritesheet
 * (evenly spaced frames tiled in one JPEG, for scrubbing), stored next to the video. Pure:
 * where they go and what the spritesheet's grid is; the worker makes them with ffmpeg.
 */
import type { AspectRatio, SpriteGrid } from "../contract";

/** The shape of each aspect ratio, for the spritesheet's tiles. */
export const ASPECT_SIZES: Record<AspectRatio, { width: number; height: number }> = {
  "16:9": { width: 16, height: 9 },
  "9:16": { width: 9, height: 16 },
};

/** Frames in a spritesheet: 4 × 2 tiles, whatever the duration (4-8 s: one every 0.5-1 s). */
const SPRITE_COLUMNS = 4;
const SPRITE_ROWS = 2;
/** Width of one tile, in pixels (the height follows the video's aspect ratio). */
const SPRITE_TILE_WIDTH = 160;

/** R2 key of a video's poster: next to the video, same name. */
export function posterPathOf(videoPath: string): string {
  return videoPath.replace(/\.mp4$/, "") + ".poster.jpg";
}

/** R2 key of a video's spritesheet. */
export function spritePathOf(videoPath: string): string {
  return videoPath.replace(/\.mp4$/, "") + ".sprite.jpg";
}

/** The spritesheet of a video this long: its grid, and one frame every `intervalSeconds`. */
export function spriteGridFor(
  durationSeconds: number,
  aspect: { width: number; height: number },
): SpriteGrid {
  const frames = SPRITE_COLUMNS * SPRITE_ROWS;
  const tileHeight = 2 * Math.round((SPRITE_TILE_WIDTH * aspect.height) / aspect.width / 2);
  return {
    columns: SPRITE_COLUMNS,
    rows: SPRITE_ROWS,
    tileWidth: SPRITE_TILE_WIDTH,
    tileHeight,
    intervalSeconds: durationSeconds / frames,
  };
}
