// live.js — a page that refreshes itself when the server says its entities changed
// (server-sent events, api/events.js): useLive(['ticket'], reload) in setup().
import { onMounted, onUnmounted } from 'vue'
import { subscribe } from '@/api/events'

export function useLive(entities, reload) {
  let stop = null
  onMounted(() => {
    stop = subscribe(entities, reload)
  })
  onUnmounted(() => stop && stop())
}
