package io.eventstreamcore.engine.classify;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Remembers event ids for a time window, bounded in keys, with no allocation per check.
 *
 * <p>Ids are kept in three generations, like the segments of a log with time-based retention: new
 * ids go into the current generation; when it holds half of {@code maxKeys} ids, or has taken ids
 * for half a window, the oldest generation is cleared and becomes the current one. A generation
 * whose newest id is a window old is no longer looked at. So an id is remembered for at least the
 * window and less than one and a half windows, and nothing is deleted per id: there is no time kept
 * per id and no queue of ids to expire, and a check touches the tables only where the id would be.
 *
 * <p>When ids arrive faster than half of {@code maxKeys} per half window, a generation still within
 * the window is cleared to make room: its ids are forgotten early, and counted. The newest half of
 * {@code maxKeys} ids are always remembered; under a steady rate, between {@code maxKeys} and one
 * and a half times that. Key 0 means "no id" and is never stored.
 *
 * <p>Each generation's table is a cuckoo hash table of groups of eight slots. An id may be in one
 * of two groups chosen by its hash, and is put in the second only when the first is full; as slots
 * are never emptied one by one, a group once full stays full, so a check looks at the second group
 * only when the first is full, and with unrelated ids most checks read one group per generation.
 * When both groups are full, an id of the second is moved to its own other group to make room (and
 * so on, a bounded number of times). A group's eight one-byte fingerprints (never 0, which marks an
 * empty slot; slots fill from the first) are one {@code long}: a check compares all eight at once
 * and reads an id only where the fingerprint matches. The ids a producer issues in sequence, those
 * that differ only in their low three bits, share both groups and differ in fingerprint, so that a
 * block of them fills one group, one cache line of ids. A check reads the id's first group in all
 * three generations before looking into any, so that their cache misses overlap. Only the
 * fingerprints are cleared when a generation is reused: an empty slot's id is never read. The hash
 * is seeded per window, so that nobody can choose ids that share groups; should the moves still
 * find no room, the generation is rotated as if full and the id left over goes into the new one.
 *
 * <p>Single-threaded: owned by the classify stage.
 */
public final class DedupWindow {
  /** Upper bound of {@code maxKeys}: 2^26 keys take 1.7 GB. */
  public static final int MAX_KEYS = 1 << 26;

  // Ids per slot of a full generation: 24.8 MB for 1,000,000 keys.
  private static final double LOAD_FACTOR = 0.545;

  private static final int GENERATIONS = 3;
  // Slots per group: the bytes of a long, and a cache line of ids.
  private static final int GROUP = 8;
  private static final long ONES = 0x0101010101010101L;
  private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;
  // Moves to make room before a generation is rotated instead. At this load with unrelated ids, 8%
  // of a full generation's groups are full and under 0.1% of ids need a move (simulated).
  private static final int MAX_MOVES = 128;
  // Up to this many ids per generation there are at least as many groups as ids, so that even
  // small windows, which tests compare with a plain model, never run out of moves.
  private static final int SMALL_KEYS = 2048;

  private final long windowMillis;
  private final long rotateMillis;
  private final long seed;
  // Ids per generation before it is rotated: half of maxKeys, rounded up.
  private final int capacity;
  // Groups per generation; not necessarily a power of two.
  private final int groups;
  // The generations' tables one after another: generation g's group i is controls[g * groups + i],
  // its slot j's fingerprint in byte j (0: empty), its id at ids[(g * groups + i) * GROUP + j].
  private final long[] controls;
  private final long[] ids;
  // Ids in each generation; 0 also for a generation that expired but was not yet cleared.
  private final int[] sizes = new int[GENERATIONS];
  // Whether each generation's table still holds ids (it must be cleared before it is reused).
  private final boolean[] dirty = new boolean[GENERATIONS];
  private final long[] firstMillis = new long[GENERATIONS];
  private final long[] lastMillis = new long[GENERATIONS];
  private int current;
  // When the oldest generation still looked at will be a window old.
  private long nextExpiryMillis = Long.MAX_VALUE;
  private long evictedEarly;
  // Which slot of a full group gives way next: each in turn.
  private int nextMove;

  /** Creates a window of {@code windowMillis} holding at most {@code maxKeys} ids. */
  public DedupWindow(long windowMillis, int maxKeys) {
    this(windowMillis, maxKeys, new SplittableRandom().nextLong());
  }

  /** Creates a window whose hash uses {@code seed}; tests choose it to know where ids go. */
  DedupWindow(long windowMillis, int maxKeys, long seed) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("dedup window must be positive: " + windowMillis);
    }
    if (maxKeys < 1 || maxKeys > MAX_KEYS) {
      throw new IllegalArgumentException(
          "dedup max-keys out of range 1.." + MAX_KEYS + ": " + maxKeys);
    }
    this.windowMillis = windowMillis;
    this.rotateMillis = (windowMillis + 1) / 2;
    this.seed = seed;
    this.capacity = (maxKeys + 1) / 2;
    int n = (int) Math.ceil(capacity / (LOAD_FACTOR * GROUP));
    this.groups = Math.max(2, capacity <= SMALL_KEYS ? Math.max(n, capacity) : n);
    this.controls = new long[GENERATIONS * groups];
    this.ids = new long[GENERATIONS * groups * GROUP];
  }

  /**
   * Returns true when {@code id} was seen within the window before {@code nowMillis}; otherwise
   * remembers it and returns false.
   */
  public boolean checkAndRecord(long id, long nowMillis) {
    if (id == 0) {
      return false;
    }
    long h = mix(id, seed);
    if (contains(id, h, nowMillis)) {
      return true;
    }
    evictedEarly += record(id, h, nowMillis);
    return false;
  }

  /**
   * Remembers {@code id} as first seen at {@code receivedMillis}: the rebuild of the window from
   * stored events at start. Ids must come oldest first, as they were stored; when more than the
   * window holds come, the oldest are forgotten to make room, so that the newest stay (not counted
   * as {@link #evictedEarly()}: that is the rebuild's choice, not a loss). An id already remembered
   * keeps its first time.
   *
   * <p>Called before the classify stage starts, on the thread that then starts it: the window is
   * still owned by one thread at a time, and the start publishes it to the stage.
   *
   * @return true when {@code id} was added
   */
  public boolean preload(long id, long receivedMillis) {
    if (id == 0) {
      return false;
    }
    long h = mix(id, seed);
    if (contains(id, h, receivedMillis)) {
      return false;
    }
    record(id, h, receivedMillis);
    return true;
  }

  /** Groups of eight slots in each generation. */
  int groups() {
    return groups;
  }

  /** The window's length in milliseconds. */
  public long windowMillis() {
    return windowMillis;
  }

  /** Number of ids remembered now, as of the last check. */
  public int size() {
    int size = 0;
    for (int g = 0; g < GENERATIONS; g++) {
      size += sizes[g];
    }
    return size;
  }

  /**
   * Number of ids forgotten before their window ended because more ids came than the window holds:
   * the ids of a generation cleared while its newest id was still within the window.
   */
  public long evictedEarly() {
    return evictedEarly;
  }

  /**
   * Whether a generation not yet a window old holds {@code id}, whose mix is {@code h}, after
   * forgetting those that are.
   */
  private boolean contains(long id, long h, long nowMillis) {
    if (nowMillis >= nextExpiryMillis) {
      expire(nowMillis);
    }
    int first = firstGroup(h);
    long fingerprints = fingerprint(id, h) * ONES;
    // The three first groups' fingerprints: independent loads whose misses overlap.
    long c0 = controls[first];
    long c1 = controls[groups + first];
    long c2 = controls[2 * groups + first];
    return sizes[0] != 0 && inGeneration(0, c0, id, h, first, fingerprints)
        || sizes[1] != 0 && inGeneration(1, c1, id, h, first, fingerprints)
        || sizes[2] != 0 && inGeneration(2, c2, id, h, first, fingerprints);
  }

  private boolean inGeneration(
      int g, long firstControl, long id, long h, int first, long fingerprints) {
    if (inGroup(g * groups + first, firstControl, id, fingerprints)) {
      return true;
    }
    if (!isFull(firstControl)) {
      return false;
    }
    int second = g * groups + secondGroup(h, first);
    return inGroup(second, controls[second], id, fingerprints);
  }

  /** Whether the group holds {@code id}, whose fingerprint fills every byte of the long given. */
  private boolean inGroup(int group, long control, long id, long fingerprints) {
    // A byte of x is 0 exactly where the fingerprint matches; m gets its high bit set there.
    long x = control ^ fingerprints;
    long m = ~(((x & LOW_SEVEN_BITS) + LOW_SEVEN_BITS) | x | LOW_SEVEN_BITS);
    while (m != 0) {
      if (ids[group * GROUP + (Long.numberOfTrailingZeros(m) >>> 3)] == id) {
        return true;
      }
      m &= m - 1;
    }
    return false;
  }

  private void expire(long nowMillis) {
    long oldestAllowed = nowMillis - windowMillis;
    nextExpiryMillis = Long.MAX_VALUE;
    for (int g = 0; g < GENERATIONS; g++) {
      if (sizes[g] != 0) {
        if (lastMillis[g] <= oldestAllowed) {
          sizes[g] = 0;
        } else {
          nextExpiryMillis = Math.min(nextExpiryMillis, lastMillis[g] + windowMillis);
        }
      }
    }
  }

  /**
   * Adds {@code id}, known to be absent, to the current generation, rotated first when full or half
   * a window old; returns how many ids were forgotten early to make room.
   */
  private int record(long id, long h, long nowMillis) {
    int forgotten = 0;
    int g = current;
    if (sizes[g] > 0 && (sizes[g] == capacity || nowMillis - firstMillis[g] >= rotateMillis)) {
      forgotten = rotate();
      g = current;
    }
    if (sizes[g] == 0) {
      begin(g, nowMillis);
    } else if (nowMillis > lastMillis[g]) {
      lastMillis[g] = nowMillis;
    }
    long leftOver = place(g * groups + firstGroup(h), id, h) ? 0 : makeRoom(g, id, h);
    if (leftOver == 0) {
      sizes[g]++;
      return forgotten;
    }
    // The generation holds as many ids as before (id went in, leftOver came out): it is full.
    forgotten += rotate();
    begin(current, nowMillis);
    long hl = mix(leftOver, seed);
    place(current * groups + firstGroup(hl), leftOver, hl);
    sizes[current]++;
    return forgotten;
  }

  /** Makes the next generation the current one; returns how many ids it held. */
  private int rotate() {
    current = current + 1 == GENERATIONS ? 0 : current + 1;
    int forgotten = sizes[current]; // still within the window, or expire() would have emptied it
    sizes[current] = 0;
    return forgotten;
  }

  private void begin(int g, long nowMillis) {
    if (dirty[g]) {
      Arrays.fill(controls, g * groups, (g + 1) * groups, 0);
    }
    dirty[g] = true;
    firstMillis[g] = nowMillis;
    lastMillis[g] = nowMillis;
    nextExpiryMillis = Math.min(nextExpiryMillis, nowMillis + windowMillis);
  }

  /**
   * Puts {@code id}, whose first group in generation {@code g} is full, in its second group, moving
   * ids of full groups to their other ones to make room; returns 0, or the id that found no room
   * after {@link #MAX_MOVES} moves (it is no longer in the table).
   */
  private long makeRoom(int g, long id, long h) {
    int base = g * groups;
    int group = secondGroup(h, firstGroup(h));
    for (int move = 0; move < MAX_MOVES; move++) {
      if (place(base + group, id, h)) {
        return 0;
      }
      int slot = (base + group) * GROUP + (nextMove++ & (GROUP - 1));
      long moved = ids[slot];
      long hm = mix(moved, seed);
      ids[slot] = id;
      int shift = (slot & (GROUP - 1)) * 8;
      controls[base + group] =
          controls[base + group] & ~(0xFFL << shift) | fingerprint(id, h) << shift;
      int movedFirst = firstGroup(hm);
      group = movedFirst == group ? secondGroup(hm, movedFirst) : movedFirst;
      id = moved;
      h = hm;
    }
    return id;
  }

  /** Puts {@code id} in the group's first empty slot; false when the group is full. */
  private boolean place(int group, long id, long h) {
    long control = controls[group];
    if (isFull(control)) {
      return false;
    }
    int used = (71 - Long.numberOfLeadingZeros(control)) >>> 3; // slots fill from byte 0
    controls[group] = control | fingerprint(id, h) << (used * 8);
    ids[group * GROUP + used] = id;
    return true;
  }

  private static boolean isFull(long control) {
    return control >>> 56 != 0;
  }

  /**
   * The seeded full mix of {@code id} without its low three bits: the ids of a block share it, and
   * so their groups.
   */
  static long mix(long id, long seed) {
    long h = (id >>> 3) ^ seed;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** The first group of an id whose mix is {@code h}, from the mix's high half. */
  int firstGroup(long h) {
    return (int) (((h >>> 32) * groups) >>> 32);
  }

  /** The second group, from the mix's low half; never the first. */
  int secondGroup(long h, int first) {
    int second = (int) (((h & 0xFFFFFFFFL) * groups) >>> 32);
    return second != first ? second : first + 1 == groups ? 0 : first + 1;
  }

  /**
   * Fingerprint of {@code id} whose mix is {@code h}, 1..255: five bits of the mix and the id's low
   * three bits, so that the eight ids of a block, which share a mix, differ.
   */
  static long fingerprint(long id, long h) {
    long f = (h >>> 8) & 0xF8 | id & 7;
    return f != 0 ? f : 0x80;
  }
}
