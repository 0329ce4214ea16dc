namespace SpamTrace.Policy.Store;

/// <summary>
/// Lua run atomically by Redis, so several MTAs sharing one Redis never admit more than a limit between them.
/// Sliding windows are sorted sets of "seq:weight" scored by time plus a running sum; buckets are hashes.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// ARGV: prefix, now, user, ip, network, activityWindowMs, countMessage, n, then n times: key, algorithm (0 sliding,
    /// 1 bucket), max, windowMs, weight, add (0/1), then a token unique to this request (process id + sequence) that
    /// makes sorted-set members unique without a shared counter. Returns {contained, failed index or -1, ips,
    /// networks, hits, hour messages, baseline}.
    /// </summary>
    public const string Evaluate = """
        local p = ARGV[1]
        local now = tonumber(ARGV[2])
        local user = ARGV[3]
        local ip = ARGV[4]
        local net = ARGV[5]
        local win = tonumber(ARGV[6])
        local countMsg = ARGV[7] == '1'
        local n = tonumber(ARGV[8])
        local contained = 0
        if user ~= '' and redis.call('HEXISTS', p .. 'contained', user) == 1 then contained = 1 end
        local failed = -1
        local tokens = {}
        if contained == 0 then
          for i = 0, n - 1 do
            local b = 9 + i * 6
            local key = p .. 'c:' .. ARGV[b]
            local max = tonumber(ARGV[b + 2])
            local wms = tonumber(ARGV[b + 3])
            local w = tonumber(ARGV[b + 4])
            if ARGV[b + 1] == '0' then
              local old = redis.call('ZRANGEBYSCORE', key, '-inf', now - wms)
              if #old > 0 then
                local dec = 0
                for _, m in ipairs(old) do dec = dec + tonumber(string.match(m, ':(%d+)$')) end
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now - wms)
                redis.call('DECRBY', key .. ':s', dec)
              end
              local sum = tonumber(redis.call('GET', key .. ':s') or '0')
              if sum + w > max then failed = i break end
            else
              local t = redis.call('HMGET', key, 't', 'l')
              local tk = tonumber(t[1]) or max
              local last = tonumber(t[2]) or now
              if now > last then tk = math.min(max, tk + (now - last) * max / wms) end
              tokens[i] = tk
              if tk < w then failed = i break end
            end
          end
          if failed < 0 then
            for i = 0, n - 1 do
              local b = 9 + i * 6
              if ARGV[b + 5] == '1' then
                local key = p .. 'c:' .. ARGV[b]
                local wms = tonumber(ARGV[b + 3])
                local w = tonumber(ARGV[b + 4])
                if ARGV[b + 1] == '0' then
                  redis.call('ZADD', key, now, ARGV[9 + n * 6] .. ':' .. i .. ':' .. w)
                  redis.call('INCRBY', key .. ':s', w)
                  redis.call('PEXPIRE', key, wms + 1000)
                  redis.call('PEXPIRE', key .. ':s', wms + 1000)
                else
                  redis.call('HSET', key, 't', tostring(tokens[i] - w), 'l', now)
                  redis.call('PEXPIRE', key, wms + 1000)
                end
              end
            end
          end
        end
        local ips, nets, hits, hour, base = 0, 0, 0, 0, -1
        if user ~= '' then
          -- Counted with ZCOUNT over the window; old members are trimmed only when a new one arrives, so the
          -- usual request (same user, same IP) costs few commands.
          local u = p .. 'u:' .. user
          local cutoff = now - win
          if ip ~= '' and redis.call('ZADD', u .. ':ips', now, ip) == 1 then
            redis.call('ZREMRANGEBYSCORE', u .. ':ips', '-inf', cutoff)
          end
          ips = redis.call('ZCOUNT', u .. ':ips', '(' .. cutoff, '+inf')
          redis.call('PEXPIRE', u .. ':ips', win)
          if net ~= '' and redis.call('ZADD', u .. ':nets', now, net) == 1 then
            redis.call('ZREMRANGEBYSCORE', u .. ':nets', '-inf', cutoff)
          end
          nets = redis.call('ZCOUNT', u .. ':nets', '(' .. cutoff, '+inf')
          redis.call('PEXPIRE', u .. ':nets', win)
          if failed >= 0 then
            redis.call('ZADD', u .. ':hits', now, ARGV[9 + n * 6] .. ':h')
            redis.call('ZREMRANGEBYSCORE', u .. ':hits', '-inf', cutoff)
            redis.call('PEXPIRE', u .. ':hits', win)
          end
          hits = redis.call('ZCOUNT', u .. ':hits', '(' .. cutoff, '+inf')
          local h = math.floor(now / 3600000)
          local hk = u .. ':h'
          if countMsg and failed < 0 and contained == 0 then
            redis.call('HINCRBY', hk, h, 1)
            redis.call('PEXPIRE', hk, 8 * 86400000)
          end
          local first = tonumber(redis.call('GET', u .. ':first') or '0')
          if first == 0 then
            first = now
            redis.call('SET', u .. ':first', first, 'PX', 30 * 86400000)
          end
          local hv = redis.call('HMGET', hk, h, h - 1)
          hour = (tonumber(hv[1]) or 0) + math.floor((tonumber(hv[2]) or 0) * (1 - (now % 3600000) / 3600000))
          if now - first >= 86400000 then
            local bk = u .. ':base'
            local cached = redis.call('HMGET', bk, 'h', 'v')
            if tonumber(cached[1]) == h then
              base = tonumber(cached[2])
            else
              local all = redis.call('HGETALL', hk)
              local total = 0
              for j = 1, #all, 2 do
                local hh = tonumber(all[j])
                if hh < h - 167 then redis.call('HDEL', hk, all[j]) elseif hh < h then total = total + tonumber(all[j + 1]) end
              end
              local hours = math.min(167, math.floor((now - first) / 3600000))
              base = total / hours
              redis.call('HSET', bk, 'h', h, 'v', tostring(base))
              redis.call('PEXPIRE', bk, 7200000)
            end
          end
          redis.call('ZADD', p .. 'users', now, user)
        end
        return {contained, failed, ips, nets, hits, hour, tostring(base)}
        """;

    /// <summary>ARGV: prefix, user, at (ms), reason, evidence. Returns the new incident id, or 0 when already contained.</summary>
    public const string Contain = """
        local p = ARGV[1]
        if redis.call('HEXISTS', p .. 'contained', ARGV[2]) == 1 then return 0 end
        local id = redis.call('INCR', p .. 'incident:id')
        redis.call('HSET', p .. 'incident:' .. id, 'user', ARGV[2], 'at', ARGV[3], 'reason', ARGV[4], 'evidence', ARGV[5], 'notified', '0')
        redis.call('LPUSH', p .. 'incidents', id)
        redis.call('HSET', p .. 'contained', ARGV[2], id .. '|' .. ARGV[3] .. '|' .. ARGV[4])
        redis.call('DEL', p .. 'held:' .. ARGV[2])
        return id
        """;

    /// <summary>ARGV: prefix, user. Returns 1 when the user was contained. Clears the activity that would contain it again.</summary>
    public const string Release = """
        local p = ARGV[1]
        local u = p .. 'u:' .. ARGV[2]
        redis.call('DEL', u .. ':ips', u .. ':nets', u .. ':hits', u .. ':h', u .. ':base')
        return redis.call('HDEL', p .. 'contained', ARGV[2])
        """;
}
