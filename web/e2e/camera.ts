import { writeFileSync } from 'node:fs'
import { PNG } from 'pngjs'

const WIDTH = 640
const HEIGHT = 480

/** A Y4M video (what Chromium's fake camera plays, looping) showing a picture, centred on
 * white and scaled by whole pixels so a QR code's modules stay sharp. */
export function pictureToY4m(png: Buffer, path: string, frames = 10): void {
  const image = PNG.sync.read(png)
  const scale = Math.max(1, Math.floor(Math.min((WIDTH - 40) / image.width, (HEIGHT - 40) / image.height)))
  const left = Math.floor((WIDTH - image.width * scale) / 2)
  const top = Math.floor((HEIGHT - image.height * scale) / 2)
  const luma = Buffer.alloc(WIDTH * HEIGHT, 255)
  for (let y = 0; y < image.height * scale; y++) {
    for (let x = 0; x < image.width * scale; x++) {
      const at = (Math.floor(y / scale) * image.width + Math.floor(x / scale)) * 4
      const [r, g, b] = [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!]
      luma[(top + y) * WIDTH + left + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b)
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128) // grey: no colour
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`)
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]))
}
