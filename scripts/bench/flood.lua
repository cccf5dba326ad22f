-- wrk script for scripts/bench/flood.sh: a bounded anonymous flood. Each connection stops after
-- FLOOD_MAX responses in all (so the flood is limited in count as well as by wrk's -d), and the answers
-- are counted by status: 302 (a sign-in started), 429 (refused by signInRateLimit), 200 (Tomcat alone).
local max = tonumber(os.getenv("FLOOD_MAX") or "200000")
local threads = {}
count = 0
statuses = {}

function setup(thread)
   table.insert(threads, thread)
end

function response(status, headers, body)
   count = count + 1
   statuses[status] = (statuses[status] or 0) + 1
   if count >= max then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local seen = {}
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
         seen[status] = (seen[status] or 0) + n
      end
   end
   local line = "flood_responses=" .. summary.requests
   for status, n in pairs(seen) do
      line = line .. " status_" .. status .. "=" .. n
   end
   io.write(line .. "\n")
end
