// main.js — starts the UI: Vue, the router, a chosen set of Element Plus icons registered
// globally (icons.js; the menus name their icons), the shared components every list page uses, and $t.
import { createApp, defineAsyncComponent } from 'vue'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/theme-chalk/el-message.css'
import 'element-plus/theme-chalk/el-message-box.css'
import App from './App.vue'
import * as icons from './icons'
import router from './router'
import { t, locale } from './i18n'
import DictTag from './components/DictTag.vue'
import './styles/index.css'

document.documentElement.lang = locale.value
const app = createApp(App)
for (const [name, component] of Object.entries(icons)) app.component(name, component)
app.component('DictTag', DictTag)
// The list pages' pieces load with the first list, not with the login page (they bring the
// select, cascader, pagination and popover of Element Plus).
app.component('DictSelect', defineAsyncComponent(() => import('./components/DictSelect.vue')))
app.component('Pagination', defineAsyncComponent(() => import('./components/Pagination.vue')))
app.component('RightToolbar', defineAsyncComponent(() => import('./components/RightToolbar.vue')))
app.component('RegionCascader', defineAsyncComponent(() => import('./components/RegionCascader.vue')))
app.config.globalProperties.$t = t
app.use(router)
app.mount('#app')
