/**
 * B7 as one atomic step (db_proxy.md §9 Rewrite): copy the group's counter hash into the user's
 * ("the user has caught up"). KEYS[1] = `<g>_im_group_msg`, KEYS[2] = `<u>_<g>_im_user_group`.
 * A missing group hash copies nothing, as the original's empty HMSET did.
 */
export const MARK_GROUP_READ = `
local all = redis.call('HGETALL', KEYS[1])
if #all > 0 then redis.call('HSET', KEYS[2], unpack(all)) end
return #all`;

/** After a stored group message: count it, and the sender has read it (§6.10 group step 3). */
export const GROUP_MSG_STORED = `
redis.call('HINCRBY', KEYS[1], 'count', 1)
local all = redis.call('HGETALL', KEYS[1])
redis.call('HSET', KEYS[2], unpack(all))
return 1`;
