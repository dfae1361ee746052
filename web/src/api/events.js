// events.js — live updates over server-sent events (GET /api/v1/events): one EventSource for
// the whole tab, opened while some page listens, closed when none does. The server sends the
// names of the entities that changed (never data); a page reloads what it shows, at most once
// per half second however many changes arrive.
import { ref } from 'vue'

const listeners = new Set()
let source = null
export const live = ref(false)

function open() {
  if (source || typeof EventSource === 'undefined') return
  source = new EventSource('/api/v1/events')
  // A hello after the first is a reconnection: changes made while the stream was down are not
  // replayed, so every listening page reloads once.
  let greeted = false
  source.addEventListener('hello', () => {
    live.value = true
    if (greeted) for (const l of listeners) l.deliver(null)
    greeted = true
  })
  source.addEventListener('change', (event) => {
    let entities = []
    try {
      entities = JSON.parse(event.data).entities || []
    } catch {
      return
    }
    for (const l of listeners) l.deliver(entities)
  })
  source.onerror = () => {
    live.value = false
  }
}

function closeIfIdle() {
  if (listeners.size === 0 && source) {
    source.close()
    source = null
    live.value = false
  }
}

// subscribe(['ticket'], reload) → unsubscribe function. Call it from onMounted and the
// returned function from onUnmounted (or use useLive in utils/live.js).
export function subscribe(entities, callback, delayMs = 500) {
  let timer = null
  const l = {
    deliver(changed) {
      // null: anything may have changed (after a reconnection)
      if (changed && !changed.some((e) => entities.includes(e))) return
      if (timer) return
      timer = setTimeout(() => {
        timer = null
        callback(changed || entities)
      }, delayMs)
    },
  }
  listeners.add(l)
  open()
  return () => {
    if (timer) clearTimeout(timer)
    listeners.delete(l)
    closeIfIdle()
  }
}

export function closeEvents() {
  listeners.clear()
  closeIfIdle()
}
