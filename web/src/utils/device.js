// device.js — phones are first-class (UI.md 14): below 992 px the menu is a drawer, dialogs
// go full screen, technicians get cards and big buttons.
import { ref } from 'vue'

export const MOBILE_WIDTH = 992
export const isMobile = ref(typeof window !== 'undefined' && window.innerWidth < MOBILE_WIDTH)

if (typeof window !== 'undefined') {
  window.addEventListener('resize', () => {
    isMobile.value = window.innerWidth < MOBILE_WIDTH
  })
}
