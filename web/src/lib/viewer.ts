import { reactive, readonly } from 'vue'

/** Who is logged in, as the app last read it (roles decide the navigation and route guards). */
export interface Viewer {
  id: string
  displayName: string
  roles: readonly string[]
}

const state = reactive<{ viewer: Viewer | null; balance: number | null }>({ viewer: null, balance: null })

export const current = readonly(state)

export function setViewer(viewer: Viewer | null): void {
  state.viewer = viewer
  if (!viewer) state.balance = null
}

/** The balance shown everywhere; set from queries, redemptions and pointsChanged. */
export function setBalance(balance: number | null | undefined): void {
  if (typeof balance === 'number') state.balance = balance
}

export function isMerchant(viewer: Viewer | null): boolean {
  return !!viewer?.roles.includes('MERCHANT')
}
