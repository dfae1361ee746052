// staff.js — the people a manager may pick (a visit's leader, a complaint notice's responsible
// person): colleagues from GET /api/v1/staff (staff:read — every member of staff; the server
// lists those whose regions overlap the caller's). Should that fail, the people the data the
// caller can see already names — project managers of their projects, leaders of their visits,
// technicians (for dispatchers), people named on complaint notices, and themselves. The server
// checks every choice (invalid_visit_leader, responsible_not_staff).
import { get } from '@/api/request'
import { can, session } from '@/api/session'

const STAFF_ROLES = [
  'agent', 'dispatcher', 'technician', 'engineering_manager', 'project_manager', 'qc',
  'warehouse', 'finance', 'department_head', 'vice_gm', 'gm', 'admin',
]

async function pages(path, query, max = 3) {
  const out = []
  for (let page = 1; page <= max; page++) {
    const res = await get(path, { ...query, page, page_size: 100 }, { silent: true })
    out.push(...(res.items || []))
    if (out.length >= (res.total || 0) || !(res.items || []).length) break
  }
  return out
}

// → [{id, name, role}] sorted by name; roles: the roles wanted (default every staff role).
export const LEADER_ROLES = ['project_manager', 'engineering_manager']

export async function staffOptions({ roles = STAFF_ROLES, extra = [] } = {}) {
  const found = new Map()
  const add = (id, name, role = '') => {
    if (!id || !name || found.has(id)) return
    if (role && !roles.includes(role)) return
    found.set(id, { id, name, role })
  }
  if (can('staff:read')) {
    try {
      const res = await get('/api/v1/staff', undefined, { silent: true })
      for (const u of res.items || []) add(u.id, u.display_name, u.role)
    } catch {
      /* fall back on what the data names */
    }
  }
  if (found.size === 0) {
    const me = session.user
    if (me) add(me.id, me.display_name || me.username, me.role)
    const jobs = []
    if (roles.includes('project_manager') && can('project:read'))
      jobs.push(pages('/api/v1/projects', {}).then((list) => list.forEach((p) => add(p.project_manager_id, p.project_manager_name, 'project_manager'))))
    if (roles.includes('project_manager') && can('kpi:read'))
      jobs.push(get('/api/v1/kpi/visits', { group: 'leader' }, { silent: true }).then((k) => (k.groups || []).forEach((g) => add(g.key, g.name))))
    if (roles.includes('technician') && can('ticket:dispatch'))
      jobs.push(get('/api/v1/dispatch/technicians', undefined, { silent: true }).then((r) => (r.items || []).forEach((x) => add(x.user_id, x.display_name, 'technician'))))
    if (roles.length === STAFF_ROLES.length && can('complaint:read'))
      jobs.push(pages('/api/v1/complaints', {}, 1).then((list) => list.forEach((c) => {
        add(c.owner_id, c.owner_name)
        for (const a of c.assignments || []) add(a.responsible_id, a.responsible_name)
      })))
    await Promise.allSettled(jobs)
  }
  for (const x of extra) add(x.id, x.name, x.role)
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
}
