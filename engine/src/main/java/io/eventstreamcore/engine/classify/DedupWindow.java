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
 * <p>Layout, for the ids a producer issues in sequence: ids that differ only in their low three
 * bits form a block whose home is one 64-byte line of eight slots, and each id of the block has its
 * own slot in the line. Probing steps a whole line at a time, so each generation's table is eight
 * interleaved linear-probing tables and a block's ids stay together in one line wherever collisions
 * move them: a check touches one line per generation per eight ids in sequence. A check reads the
 * id's home slot in all three tables before probing any, so that their cache misses overlap. The
 * hash is seeded per window, so that nobody can choose ids that pile into one of the eight tables;
 * should one still fill up (one slot stays free so that probes end), the generation is rotated as
 * if full, holding fewer ids.
 *
 * <p>Single-threaded: owned by the classify stage.
 */
public final class DedupWindow {
  /** Upper bound of {@code maxKeys}: 2^26 keys take 1.5 GiB. */
  public static final int MAX_KEYS = 1 << 26;

  private static final int GENERATIONS = 3;
  // Slots in a block, one cache line of longs; probing steps a block at a time.
  private static final int STEP = 8;
  // Up to this many keys per generation the table is sized so that each of the eight interleaved
  // tables could hold every key: small windows then never meet a full lane (256 KiB of slots per
  // generation).
  private static final int SMALL_KEYS = 2048;

  private final long windowMillis;
  private final long rotateMillis;
  private final long seed;
  // Ids per generation before it is rotated: half of maxKeys, rounded up.
  private final int capacity;
  private final int laneCapacity;
  private final int tableMask;
  private final int tableShift;
  // The generations' tables one after another: generation g's slot i is at (g << tableShift) + i.
  private final long[] tables;
  // Ids in each generation; 0 also for a generation that expired but was not yet cleared.
  private final int[] sizes = new int[GENERATIONS];
  // Whether each generation's table still holds ids (it must be cleared before it is reused).
  private final boolean[] dirty = new boolean[GENERATIONS];
  private final long[] firstMillis = new long[GENERATIONS];
  private final long[] lastMillis = new long[GENERATIONS];
  // Ids in each lane of each generation: lane l of generation g at g * STEP + l.
  private final int[] keysPerLane = new int[GENERATIONS * STEP];
  private int current;
  // When the oldest generation still looked at will be a window old.
  private long nextExpiryMillis = Long.MAX_VALUE;
  private long evictedEarly;

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
    int tableSize = Integer.highestOneBit(capacity - 1 | 1) << 2; // load factor <= 0.5
    if (capacity <= SMALL_KEYS) {
      tableSize = Math.max(tableSize, Integer.highestOneBit(capacity) * STEP * 2);
    }
    this.tableMask = tableSize - 1;
    this.tableShift = Integer.numberOfTrailingZeros(tableSize);
    this.laneCapacity = tableSize / STEP;
    this.tables = new long[GENERATIONS * tableSize];
  }

  /**
   * Returns true when {@code id} was seen within the window before {@code nowMillis}; otherwise
   * remembers it and returns false.
   */
  public boolean checkAndRecord(long id, long nowMillis) {
    if (id == 0) {
      return false;
    }
    int home = home(id);
    int slot = find(id, home, nowMillis);
    if (slot < 0) {
      return true;
    }
    evictedEarly += record(id, home, slot, nowMillis);
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
    int home = home(id);
    int slot = find(id, home, receivedMillis);
    if (slot < 0) {
      return false;
    }
    record(id, home, slot, receivedMillis);
    return true;
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
   * Looks for {@code id} in the generations not yet a window old, newest first, after forgetting
   * those that are: -1 when one holds it, otherwise the current generation's free slot for it.
   */
  private int find(long id, int home, long nowMillis) {
    if (nowMillis >= nextExpiryMillis) {
      expire(nowMillis);
    }
    // The three home slots first, independent loads whose misses overlap; then the probes.
    long k0 = tables[home];
    long k1 = tables[(1 << tableShift) + home];
    long k2 = tables[(2 << tableShift) + home];
    int g = current;
    int slot = -1;
    if (sizes[g] != 0) {
      long k = g == 0 ? k0 : g == 1 ? k1 : k2;
      slot = k == 0 || k == id ? (g << tableShift) + home : indexOf(id, g, home);
      if (tables[slot] == id) {
        return -1;
      }
    }
    for (int n = 1; n < GENERATIONS; n++) {
      g = g == 0 ? GENERATIONS - 1 : g - 1;
      if (sizes[g] != 0) {
        long k = g == 0 ? k0 : g == 1 ? k1 : k2;
        if (k == id || k != 0 && tables[indexOf(id, g, home)] == id) {
          return -1;
        }
      }
    }
    // An empty current generation is probed when recorded into: it may need clearing first.
    return slot >= 0 ? slot : 0;
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
   * Adds {@code id}, known to be absent, at {@code slot} of the current generation, or when that is
   * rotated or empty, where a probe from {@code home} finds room; returns how many ids were
   * forgotten early to make room.
   */
  private int record(long id, int home, int slot, long nowMillis) {
    int forgotten = 0;
    int g = current;
    int lane = home & (STEP - 1);
    if (sizes[g] > 0
        && (sizes[g] == capacity
            || keysPerLane[g * STEP + lane] == laneCapacity - 1
            || nowMillis - firstMillis[g] >= rotateMillis)) {
      g = current = current + 1 == GENERATIONS ? 0 : current + 1;
      forgotten = sizes[g]; // still within the window, or find() would have emptied it
      sizes[g] = 0;
    }
    if (sizes[g] == 0) {
      if (dirty[g]) {
        Arrays.fill(tables, g << tableShift, (g + 1) << tableShift, 0L);
        Arrays.fill(keysPerLane, g * STEP, g * STEP + STEP, 0);
      }
      dirty[g] = true;
      firstMillis[g] = nowMillis;
      lastMillis[g] = nowMillis;
      nextExpiryMillis = Math.min(nextExpiryMillis, nowMillis + windowMillis);
      slot = indexOf(id, g, home);
    } else if (nowMillis > lastMillis[g]) {
      lastMillis[g] = nowMillis;
    }
    tables[slot] = id;
    keysPerLane[g * STEP + lane]++;
    sizes[g]++;
    return forgotten;
  }

  /**
   * Index holding {@code id} in generation {@code g}, or the empty index where it would go, probing
   * from {@code home}.
   */
  private int indexOf(long id, int g, int home) {
    int base = g << tableShift;
    int i = home;
    long key;
    while ((key = tables[base + i]) != 0 && key != id) {
      i = (i + STEP) & tableMask;
    }
    return base + i;
  }

  private int home(long id) {
    return hash(id, seed) & tableMask;
  }

  /**
   * Home slot of {@code id} before masking: the block is a seeded full mix of the id without its
   * low three bits; the slot in the block is those bits rotated by three bits of the mix, so that
   * the ids of a block take the block's eight slots between them, and ids that all end alike (all
   * multiples of eight, say) still spread over every slot of their blocks.
   */
  static int hash(long id, long seed) {
    long h = (id >>> 3) ^ seed;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return ((int) h << 3) | (((int) id + (int) (h >>> 61)) & 7);
  }
}
