-- create.lua — POST /api/v1/customers: a durable write with its audit row per request.
dofile(os.getenv("SHOUHOU_BENCH_DIR") .. "/common.lua")
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"压测客户%d-%d","kind":"company","region_code":"330106","address":"文三路%d号",' ..
    '"phone":"0571%08d","responsible_person":"王伟","customer_group":"enterprise",' ..
    '"product_types":["surveillance"],"contacts":[{"name":"李娜","phone":"13800001111",' ..
    '"is_primary":true}]}', thread_id, counter, counter % 999 + 1, counter)
  return wrk.format("POST", "/api/v1/customers", nil, body)
end
