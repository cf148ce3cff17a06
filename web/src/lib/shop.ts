import { ref } from 'vue'

const STORAGE_KEY = 'gridpoints.shop'

/** The merchant whose pages are open, remembered per browser. */
export const selectedShop = ref<string | null>(localStorage.getItem(STORAGE_KEY))

export function selectShop(id: string): void {
  selectedShop.value = id
  localStorage.setItem(STORAGE_KEY, id)
}
