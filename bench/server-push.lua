-- wrk script: each request pushes 100 ops never sent before (ids unique per wrk thread).
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  sent = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("RABET_TOKEN")
end

function request()
  local ops = {}
  for i = 1, 100 do
    sent = sent + 1
    ops[i] = string.format(
      '{"id":"wrk-%d-%d","entity":"contact","record":"r%d","field":"name","value":"v%d",' ..
      '"stamp":"%016x-%08x-%016x"}',
      thread_number, sent, sent % 1000, sent, 1700000000000 + sent, 0, thread_number)
  end
  wrk.body = '{"ops":[' .. table.concat(ops, ",") .. ']}'
  return wrk.format()
end
