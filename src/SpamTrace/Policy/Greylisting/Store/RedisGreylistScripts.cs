namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>
/// <see cref="GreylistTimers.Apply"/> in Lua, run atomically by Redis so that several MX hosts share one greylist.
/// Triplets are hashes {f, l} under PREFIX gl:t:TRIPLET, clients {n, l} under PREFIX gl:c:ADDRESS, each with a TTL
/// that ends it when postgrey's maintenance would (a second after, so that the timers decide first).
/// </summary>
internal static class RedisGreylistScripts
{
    /// <summary>
    /// KEYS: triplet, alternate triplet (or the triplet again), client. ARGV: now, delay, retryWindow, maxAge, awl.
    /// Returns {result (0 greylisted, 1 passed after retry, 2 passed, 3 auto-whitelisted), first, retryIn, count,
    /// newly auto-whitelisted, expired, used alternate}.
    /// </summary>
    public const string Check = """
        local now = tonumber(ARGV[1])
        local delay = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local maxage = tonumber(ARGV[4])
        local awl = tonumber(ARGV[5])
        local function expired(f, l)
          return now - l > maxage or (l - f < delay and now - l > window)
        end
        local c = redis.call('HMGET', KEYS[3], 'n', 'l')
        local cn = tonumber(c[1])
        local cl = tonumber(c[2])
        if cn and now - cl > maxage then cn = nil cl = nil end
        if awl > 0 and cn and cn >= awl then
          if now >= cl + 3600 or cl > now then
            cn = cn + 1
            redis.call('HSET', KEYS[3], 'n', cn, 'l', now)
            redis.call('EXPIRE', KEYS[3], maxage + 1)
          end
          return {3, 0, 0, cn, 0, 0, 0}
        end
        local key = KEYS[1]
        local t = redis.call('HMGET', key, 'f', 'l')
        local f = tonumber(t[1])
        local l = tonumber(t[2])
        local alt = 0
        if KEYS[2] ~= KEYS[1] and (not f or expired(f, l)) then
          local a = redis.call('HMGET', KEYS[2], 'f', 'l')
          local af = tonumber(a[1])
          local al = tonumber(a[2])
          if af and not expired(af, al) then key = KEYS[2] f = af l = al alt = 1 end
        end
        local exp = 0
        if f and expired(f, l) then f = nil l = nil exp = 1 end
        local first
        local success = false
        if f then
          first = f
          if l - f >= delay then
            success = true
          elseif now - f > window then
            first = now
            exp = 1
          end
          if first > now then first = now end
        else
          first = now
        end
        redis.call('HSET', key, 'f', first, 'l', now)
        local diff = delay - (now - first)
        if diff <= 0 then
          redis.call('EXPIRE', key, maxage + 1)
        else
          redis.call('EXPIRE', key, window + 1)
        end
        local newly = 0
        if awl > 0 and diff <= 0 and not success and (not cn or now >= cl + 3600) then
          cn = (cn or 0) + 1
          redis.call('HSET', KEYS[3], 'n', cn, 'l', now)
          redis.call('EXPIRE', KEYS[3], maxage + 1)
          if cn == awl then newly = 1 end
        end
        local result = 0
        if diff <= 0 then
          if success then result = 2 else result = 1 end
        else
          diff = diff
        end
        if diff < 0 then diff = 0 end
        return {result, first, diff, cn or 0, newly, exp, alt}
        """;
}
