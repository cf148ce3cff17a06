/** The offer form's fields as typed, turned into the API's inputs (datetime-local values are
 * read as China time, whatever the device's zone). */
export interface OfferFields {
  title: string
  description: string
  pointsPrice: string
  stock: string
  perUserLimit: string
  validFrom: string
  validUntil: string
}

export function emptyOfferFields(): OfferFields {
  return { title: '', description: '', pointsPrice: '', stock: '', perUserLimit: '', validFrom: '', validUntil: '' }
}

export function localToInstant(value: string): string | null {
  if (!value) return null
  return new Date(`${value.length === 16 ? `${value}:00` : value}+08:00`).toISOString()
}

export function instantToLocal(iso: string | null | undefined): string {
  if (!iso) return ''
  return new Date(new Date(iso).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16)
}

function wholeNumber(value: string): number | null {
  const trimmed = value.trim()
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : null
}

export function createInput(merchantId: string, fields: OfferFields) {
  return {
    merchantId,
    title: fields.title.trim(),
    description: fields.description.trim(),
    pointsPrice: wholeNumber(fields.pointsPrice) ?? -1,
    stock: wholeNumber(fields.stock) ?? -1,
    perUserLimit: wholeNumber(fields.perUserLimit),
    validFrom: localToInstant(fields.validFrom),
    validUntil: localToInstant(fields.validUntil),
  }
}
