-- search.lua — GET /api/v1/customers?q=…: Chinese substring search (short and long queries),
-- one page of 20, as the customer list screen asks it.
dofile(os.getenv("SHOUHOU_BENCH_DIR") .. "/common.lua")
local queries = {"华信", "王", "科技有限公司", "0571", "人民路", "杭州", "中学", "李娜"}
local i = 0

local function escape(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  i = i + 1
  return wrk.format("GET", "/api/v1/customers?page_size=20&q=" .. escape(queries[i % #queries + 1]))
end
