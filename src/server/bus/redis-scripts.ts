/**
 * Lua scripts that keep the cluster registry consistent (each runs atomically in Redis).
 *
 * Keys, with P = the prefix and N = a node id:
 *   P:nodes          set of registered node ids
 *   P:alive:N        exists while node N heartbeats (PX = nodeTtlMs)
 *   P:nicks          hash lower-cased nick -> owning node
 *   P:nn:N           set of lower-cased nicks node N owns
 *   P:room:R         hash nick -> node, members of room R
 *   P:rooms          set of room names with members
 *   P:np:N           set of "room\nnick" that node N has put in rooms
 *   P:resp           hash "N\npattern" -> N, responders
 *   P:nr:N           set of responder patterns of node N
 *   P:grp            hash "N\nname\npattern" -> N, queue groups with members on N
 *   P:ng:N           set of "name\npattern" of node N
 * Entries of a node whose alive key is gone are ignored by readers and removed by the next reaper.
 * Key names are built inside the scripts: fine for a single Redis (not Redis Cluster).
 */

/** ARGV: prefix, node, lowerNick. Returns 1 when claimed, 0 when a live other node holds it. */
export const CLAIM_NICK = `
local p, node, nick = ARGV[1], ARGV[2], ARGV[3]
local owner = redis.call('HGET', p..':nicks', nick)
if owner and owner ~= node and redis.call('EXISTS', p..':alive:'..owner) == 1 then return 0 end
redis.call('HSET', p..':nicks', nick, node)
redis.call('SADD', p..':nn:'..node, nick)
if owner and owner ~= node then redis.call('SREM', p..':nn:'..owner, nick) end
return 1
`;

/** ARGV: prefix, node, lowerNick. */
export const RELEASE_NICK = `
local p, node, nick = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', p..':nicks', nick) == node then redis.call('HDEL', p..':nicks', nick) end
redis.call('SREM', p..':nn:'..node, nick)
return 1
`;

/** ARGV: prefix, node, room, nick, "1" (join) or "0" (leave). */
export const SET_PRESENCE = `
local p, node, room, nick = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local roomKey = p..':room:'..room
if ARGV[5] == '1' then
  redis.call('HSET', roomKey, nick, node)
  redis.call('SADD', p..':rooms', room)
  redis.call('SADD', p..':np:'..node, room..'\\n'..nick)
else
  if redis.call('HGET', roomKey, nick) == node then redis.call('HDEL', roomKey, nick) end
  if redis.call('HLEN', roomKey) == 0 then redis.call('SREM', p..':rooms', room) end
  redis.call('SREM', p..':np:'..node, room..'\\n'..nick)
end
return 1
`;

/**
 * ARGV: prefix, node, entry, "1" (add) or "0" (remove), hash, set: a node's entry in a registry hash
 * (`P:<hash>`, field "N\\nentry" -> N) and in its per-node set (`P:<set>:N`), for the reaper.
 * Responders: hash "resp", set "nr"; queue groups: hash "grp", set "ng".
 */
export const SET_ENTRY = `
local p, node, entry, hash, set = ARGV[1], ARGV[2], ARGV[3], ARGV[5], ARGV[6]
if ARGV[4] == '1' then
  redis.call('HSET', p..':'..hash, node..'\\n'..entry, node)
  redis.call('SADD', p..':'..set..':'..node, entry)
else
  redis.call('HDEL', p..':'..hash, node..'\\n'..entry)
  redis.call('SREM', p..':'..set..':'..node, entry)
end
return 1
`;

/** The registry entries of responders and queue groups (SET_ENTRY's last two arguments). */
export const RESPONDERS = ["resp", "nr"] as const;
export const GROUPS = ["grp", "ng"] as const;

const REAP_NODE = `
local function reap(p, node, out)
  for _, entry in ipairs(redis.call('SMEMBERS', p..':np:'..node)) do
    local cut = string.find(entry, '\\n', 1, true)
    if cut then
      local room, nick = string.sub(entry, 1, cut - 1), string.sub(entry, cut + 1)
      local roomKey = p..':room:'..room
      if redis.call('HGET', roomKey, nick) == node then
        redis.call('HDEL', roomKey, nick)
        table.insert(out, node)
        table.insert(out, room)
        table.insert(out, nick)
      end
      if redis.call('HLEN', roomKey) == 0 then redis.call('SREM', p..':rooms', room) end
    end
  end
  for _, nick in ipairs(redis.call('SMEMBERS', p..':nn:'..node)) do
    if redis.call('HGET', p..':nicks', nick) == node then redis.call('HDEL', p..':nicks', nick) end
  end
  for _, pattern in ipairs(redis.call('SMEMBERS', p..':nr:'..node)) do
    redis.call('HDEL', p..':resp', node..'\\n'..pattern)
  end
  for _, group in ipairs(redis.call('SMEMBERS', p..':ng:'..node)) do
    redis.call('HDEL', p..':grp', node..'\\n'..group)
  end
  redis.call('DEL', p..':np:'..node, p..':nn:'..node, p..':nr:'..node, p..':ng:'..node)
  redis.call('SREM', p..':nodes', node)
end
`;

/**
 * ARGV: prefix, self. Removes every registered node (other than self) whose alive key expired.
 * Returns a flat list node, room, nick for each presence entry removed (so the caller can announce leaves).
 */
export const REAP_DEAD = `${REAP_NODE}
local p, self = ARGV[1], ARGV[2]
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', p..':nodes')) do
  if node ~= self and redis.call('EXISTS', p..':alive:'..node) == 0 then reap(p, node, out) end
end
return out
`;

/** ARGV: prefix, self. A node leaving on purpose: same as being reaped, at once. Returns like REAP_DEAD. */
export const LEAVE = `${REAP_NODE}
local p, self = ARGV[1], ARGV[2]
redis.call('DEL', p..':alive:'..self)
local out = {}
reap(p, self, out)
return out
`;

/**
 * The cluster's shared log (redis-log.ts). Keys: P:log (a stream), P:log:seq (the last position given),
 * P:log:epoch (the log's name). ARGV: prefix, count, maxEntries, a fresh epoch, the newest position this
 * node has seen, the entry's meta (count, tag, node: codec.ts), frames, queue-group shares, APUB dedupe
 * keys (the last two empty when there are none, and then left out). Gives the batch `count` positions and
 * appends it as one entry (fields p, e, m, b, g, k; XADD with MAXLEN ~); a log without an epoch, or whose
 * sequence is below what a node has seen (Redis lost data), starts a new epoch. Returns the entry's id.
 */
export const LOG_APPEND = `
local p, count, known = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[5])
local epoch = redis.call('GET', p..':log:epoch')
local seq = tonumber(redis.call('GET', p..':log:seq') or '0')
if not epoch or seq < known then
  epoch = ARGV[4]
  redis.call('SET', p..':log:epoch', epoch)
  if seq < known then seq = known end
end
local last = seq + count
redis.call('SET', p..':log:seq', last)
local fields = {'p', last - count + 1, 'e', epoch, 'm', ARGV[6], 'b', ARGV[7]}
if ARGV[8] ~= '' then fields[#fields + 1] = 'g'; fields[#fields + 1] = ARGV[8] end
if ARGV[9] ~= '' then fields[#fields + 1] = 'k'; fields[#fields + 1] = ARGV[9] end
return redis.call('XADD', p..':log', 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
`;
