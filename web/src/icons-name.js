// icons-name.js — the name of a registered icon (icons.js), or a plain document for one the
// server named but the UI lacks.
import * as icons from './icons'

export function iconName(name) {
  return name && icons[name] ? name : 'Document'
}
