-- ticket_create.lua — POST /api/v1/tickets: a hotline agent registers a fault on a unit.
-- Each request is a new ticket (no Idempotency-Key) through the whole domain: the token,
-- the customer and unit in the agent's regions, the warranty on the call's day, the SLA
-- deadlines, the timeline and audit rows, the outbox rows to the site's dispatchers and the
-- search text — one unit of work on the writer — then the detail read back.
-- SHOUHOU_BENCH_CUSTOMER and SHOUHOU_BENCH_UNIT name the customer and its unit.
dofile(os.getenv("SHOUHOU_BENCH_DIR") .. "/common.lua")
local customer = tonumber(os.getenv("SHOUHOU_BENCH_CUSTOMER"))
local unit = tonumber(os.getenv("SHOUHOU_BENCH_UNIT"))
local faults = {"录像机无法录像，硬盘报警", "3号楼摄像机无图像", "门禁控制器不开门",
                "周界报警误报频繁", "对讲主机无声音", "道闸抬杆后不落"}
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
    '{"customer_id":%d,"equipment_id":%d,"fault":"%s（压测%d-%d）","channel":"hotline"}',
    customer, unit, faults[counter % #faults + 1], thread_id, counter)
  return wrk.format("POST", "/api/v1/tickets", nil, body)
end
