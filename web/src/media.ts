/** A video player sized to the creation's format; 9:16 stays phone-shaped on any screen. */
import { h } from "./dom";

export function aspectClass(aspectRatio: string | undefined): string {
  return aspectRatio === "16:9" ? "landscape" : "portrait";
}

/**
 * A muted, looping inline player. `refresh` is asked once for a new link when the current one
 * fails (a draft's signed link expires).
 */
export function videoPlayer(
  src: string,
  refresh?: () => Promise<string>,
  poster?: string | null,
): HTMLVideoElement {
  const video = h("video", {
    src,
    ...(poster ? { poster } : {}),
    controls: true,
    muted: true,
    loop: true,
    playsinline: true,
    preload: "auto",
  });
  video.muted = true; // the attribute alone does not mute a script-created element
  if (refresh) {
    video.addEventListener(
      "error",
      () => {
        refresh().then(
          (url) => (video.src = url),
          () => undefined,
        );
      },
      { once: true },
    );
  }
  return video;
}
