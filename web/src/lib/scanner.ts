/** Reads QR codes from the device camera: the browser's BarcodeDetector where it has one
 * (Chrome on Android and macOS), else the jsQR library on canvas frames (loaded on demand). */

type Decoder = (video: HTMLVideoElement) => Promise<string | null>

interface DetectedBarcode { rawValue: string }
interface BarcodeDetectorLike { detect(source: HTMLVideoElement): Promise<DetectedBarcode[]> }
type BarcodeDetectorClass = (new (options: { formats: string[] }) => BarcodeDetectorLike) & {
  getSupportedFormats?: () => Promise<string[]>
}

async function nativeDecoder(): Promise<Decoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (!Detector) return null
  const formats = (await Detector.getSupportedFormats?.()) ?? []
  if (!formats.includes('qr_code')) return null
  const detector = new Detector({ formats: ['qr_code'] })
  return async (video) => (await detector.detect(video))[0]?.rawValue ?? null
}

async function jsqrDecoder(): Promise<Decoder> {
  const { default: jsQR } = await import('jsqr')
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  return async (video) => {
    if (!context || !video.videoWidth) return null
    canvas.width = video.videoWidth
    canvas.height = video.videoHeight
    context.drawImage(video, 0, 0)
    const image = context.getImageData(0, 0, canvas.width, canvas.height)
    return jsQR(image.data, image.width, image.height)?.data ?? null
  }
}

export async function startScanner(video: HTMLVideoElement, onCode: (text: string) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
  video.srcObject = stream
  await video.play()
  const decode = (await nativeDecoder()) ?? (await jsqrDecoder())
  let stopped = false
  const stop = (): void => {
    stopped = true
    stream.getTracks().forEach((track) => track.stop())
    video.srcObject = null
  }
  const tick = async (): Promise<void> => {
    if (stopped) return
    const text = await decode(video).catch(() => null)
    if (text && !stopped) onCode(text)
    else setTimeout(() => void tick(), 150)
  }
  void tick()
  return stop
}
