/**
 * Draws the Teams app's two icons into manifest/: color.png (192×192, the accent colour with a
 * white magnifying glass: finding children) and outline.png (32×32, the same glass, white on
 * transparent, as Teams requires). Run once when the design changes: `npx tsx scripts/make-icons.ts`.
 */
import { writeFileSync } from "node:fs";
import { PNG } from "pngjs";

const accent = { r: 0x1f, g: 0x4e, b: 0x79 };

/** How much of the pixel at (x, y) the glass covers, 0 to 1 (sampled 4×4 for smooth edges, then snapped if asked). */
function glass(x: number, y: number, size: number): number {
  let hits = 0;
  for (let i = 0; i < 4; i += 1) {
    for (let j = 0; j < 4; j += 1) {
      const u = (x + (i + 0.5) / 4) / size;
      const v = (y + (j + 0.5) / 4) / size;
      const ring = Math.hypot(u - 0.42, v - 0.42);
      const onRing = ring > 0.2 && ring < 0.29;
      // The handle: a thick line from the ring towards the bottom right corner.
      const along = (u - 0.42 + (v - 0.42)) / Math.SQRT2;
      const across = Math.abs(u - 0.42 - (v - 0.42)) / Math.SQRT2;
      const onHandle = along > 0.28 && along < 0.5 && across < 0.065;
      if (onRing || onHandle) hits += 1;
    }
  }
  return hits / 16;
}

function draw(size: number, background: boolean, crisp: boolean): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let cover = glass(x, y, size);
      if (crisp) cover = cover >= 0.5 ? 1 : 0; // the outline icon: white or transparent, nothing between
      const at = (y * size + x) * 4;
      if (background) {
        png.data[at] = Math.round(accent.r + (255 - accent.r) * cover);
        png.data[at + 1] = Math.round(accent.g + (255 - accent.g) * cover);
        png.data[at + 2] = Math.round(accent.b + (255 - accent.b) * cover);
        png.data[at + 3] = 255;
      } else {
        png.data[at] = 255;
        png.data[at + 1] = 255;
        png.data[at + 2] = 255;
        png.data[at + 3] = Math.round(255 * cover);
      }
    }
  }
  return PNG.sync.write(png);
}

const folder = new URL("../manifest/", import.meta.url);
writeFileSync(new URL("color.png", folder), draw(192, true, false));
writeFileSync(new URL("outline.png", folder), draw(32, false, true));
console.log("wrote manifest/color.png (192×192) and manifest/outline.png (32×32)");
