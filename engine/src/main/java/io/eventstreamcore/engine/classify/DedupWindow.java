package io.eventstreamcore.engine.classify;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * bits form a block whose home is one line of eight slots, and each id of the block has its own
 * slot in the line. Probing steps a whole line at a time, so each generation's table is eight
 * interleaved linear-probing tables and a block's ids stay together in one line wherever collisions
 * move them. Each slot has a one-byte fingerprint of its id (never 0, which marks the slot empty)
 * in an array of its own beside the ids: a check probes the fingerprints, 1 byte per slot where an
 * id takes 8, and reads an id only where the fingerprint matches, so an id that is new (most are)
 * costs a miss in each generation's small fingerprint array and one in the ids' array to store it.
 * A check reads the id's home fingerprint in all three generations before probing any, so that
 * their cache misses overlap. Only the fingerprints are cleared when a generation is reused: an
 * empty slot's id is never read. The hash is seeded per window, so that nobody can choose ids that
 * pile into one of the eight lanes; should one still fill up (one slot stays free so that probes
 * end), the generation is rotated as if full, holding fewer ids.
 *
 * <p>Single-threaded: owned by the classify stage; only {@link #evictedEarly()} may be read from
 * another thread (a metrics scrape).
 */
public final class DedupWindow {
  private static final VarHandle EVICTED_EARLY;

  static {
    try {
      EVICTED_EARLY =
          MethodHandles.lookup().findVarHandle(DedupWindow.class, "evictedEarly", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Upper bound of {@code maxKeys}: 2^26 keys take 1.7 GB. */
  public static final int MAX_KEYS = 1 << 26;

  // Ids per slot of a full generation: 24.8 MB for 1,000,000 keys, about what a power-of-two
  // table at half load took. At 0.7 (19.3 MB) checks were 10-30% slower (bench/RESULTS.md).
  private static final double LOAD_FACTOR = 0.545;

  private static final int GENERATIONS = 3;
  // Slots in a block, one cache line of longs; probing steps a block at a time.
  private static final int STEP = 8;
  // Up to this many keys per generation the table is sized so that each of the eight interleaved
  // tables could hold every key: small windows then never meet a full lane (32,768 slots per
  // generation).
  private static final int SMALL_KEYS = 2048;

  private final long windowMillis;
  private final long rotateMillis;
  private final long seed;
  // Ids per generation before it is rotated: half of maxKeys, rounded up.
  private final int capacity;
  private final int laneCapacity;
  // Slots per generation: a multiple of 64, so a multiple of the eight lanes.
  private final int tableSize;
  private final long blocks;
  // The generations' tables one after another: generation g's slot i is at g * tableSize + i, its
  // id in ids and its fingerprint (0: empty) in fingerprints.
  private final long[] ids;
  private final byte[] fingerprints;
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
  // Written by the owner only, with opaque stores: a scrape reads it whole and up to date.
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
    long size = ((long) Math.ceil(capacity / LOAD_FACTOR) + 63) & ~63L;
    if (capacity <= SMALL_KEYS) {
      size = Math.max(size, (long) Integer.highestOneBit(capacity) * STEP * 2);
    }
    this.tableSize = (int) size;
    this.blocks = size / STEP;
    this.laneCapacity = tableSize / STEP;
    this.ids = new long[GENERATIONS * tableSize];
    this.fingerprints = new byte[GENERATIONS * tableSize];
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
    int home = home(id, h);
    byte fingerprint = fingerprint(h);
    int slot = find(id, home, fingerprint, nowMillis);
    if (slot < 0) {
      return true;
    }
    record(id, home, fingerprint, slot, nowMillis, true);
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
    int home = home(id, h);
    byte fingerprint = fingerprint(h);
    int slot = find(id, home, fingerprint, receivedMillis);
    if (slot < 0) {
      return false;
    }
    record(id, home, fingerprint, slot, receivedMillis, false);
    return true;
  }

  /** The most ids the window can hold at once: every generation full. */
  public long maxIds() {
    return (long) GENERATIONS * capacity;
  }

  /** Slots in each of a generation's eight lanes, one of which always stays free. */
  int slotsPerLane() {
    return laneCapacity;
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
    return (long) EVICTED_EARLY.getOpaque(this);
  }

  /**
   * Looks for {@code id} in the generations not yet a window old, newest first, after forgetting
   * those that are: -1 when one holds it, otherwise the current generation's free slot for it.
   */
  private int find(long id, int home, byte fingerprint, long nowMillis) {
    if (nowMillis >= nextExpiryMillis) {
      expire(nowMillis);
    }
    // The three home fingerprints first, independent loads whose misses overlap; then the probes.
    byte f0 = fingerprints[home];
    byte f1 = fingerprints[tableSize + home];
    byte f2 = fingerprints[2 * tableSize + home];
    int g = current;
    int slot = -1;
    if (sizes[g] != 0) {
      byte f = g == 0 ? f0 : g == 1 ? f1 : f2;
      slot = f == 0 ? g * tableSize + home : indexOf(id, fingerprint, g, home);
      if (fingerprints[slot] != 0) {
        return -1;
      }
    }
    for (int n = 1; n < GENERATIONS; n++) {
      g = g == 0 ? GENERATIONS - 1 : g - 1;
      if (sizes[g] != 0) {
        byte f = g == 0 ? f0 : g == 1 ? f1 : f2;
        if (f != 0 && fingerprints[indexOf(id, fingerprint, g, home)] != 0) {
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
   * rotated or empty, where a probe from {@code home} finds room; counts the ids forgotten early to
   * make room when {@code countForgotten}. Counted here, in the rotation, with no branch for it on
   * every check: one taken only at a generation's reuse made the JIT recompile classify's loop at
   * each of the first reuses (every 5 s at 100,000 events/s).
   */
  private void record(
      long id, int home, byte fingerprint, int slot, long nowMillis, boolean countForgotten) {
    int g = current;
    int lane = home & (STEP - 1);
    if (sizes[g] > 0
        && (sizes[g] == capacity
            || keysPerLane[g * STEP + lane] == laneCapacity - 1
            || nowMillis - firstMillis[g] >= rotateMillis)) {
      g = current = current + 1 == GENERATIONS ? 0 : current + 1;
      if (countForgotten) {
        // Still within the window, or find() would have emptied it.
        EVICTED_EARLY.setOpaque(this, evictedEarly + sizes[g]);
      }
      sizes[g] = 0;
    }
    if (sizes[g] == 0) {
      if (dirty[g]) {
        Arrays.fill(fingerprints, g * tableSize, (g + 1) * tableSize, (byte) 0);
        Arrays.fill(keysPerLane, g * STEP, g * STEP + STEP, 0);
      }
      dirty[g] = true;
      firstMillis[g] = nowMillis;
      lastMillis[g] = nowMillis;
      nextExpiryMillis = Math.min(nextExpiryMillis, nowMillis + windowMillis);
      slot = indexOf(id, fingerprint, g, home);
    } else if (nowMillis > lastMillis[g]) {
      lastMillis[g] = nowMillis;
    }
    fingerprints[slot] = fingerprint;
    ids[slot] = id;
    keysPerLane[g * STEP + lane]++;
    sizes[g]++;
  }

  /**
   * Index holding {@code id} in generation {@code g}, or the empty index where it would go, probing
   * from {@code home}; an id is read only where its fingerprint matches.
   */
  private int indexOf(long id, byte fingerprint, int g, int home) {
    int base = g * tableSize;
    int i = home;
    byte f;
    while ((f = fingerprints[base + i]) != 0 && (f != fingerprint || ids[base + i] != id)) {
      i += STEP;
      if (i >= tableSize) {
        i -= tableSize;
      }
    }
    return base + i;
  }

  /**
   * The seeded full mix of {@code id} without its low three bits: the ids of a block share it, and
   * so their line and fingerprint.
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

  /**
   * Home slot of {@code id} whose mix is {@code h}: the block from the mix's high half (scaled to
   * the table, which need not be a power of two); the slot in the block is the id's low three bits
   * rotated by three bits of the mix, so that the ids of a block take the block's eight slots
   * between them, and ids that all end alike (all multiples of eight, say) still spread over every
   * slot of their blocks.
   */
  int home(long id, long h) {
    int block = (int) (((h >>> 32) * blocks) >>> 32);
    return block * STEP + (((int) id + (int) h) & (STEP - 1));
  }

  /** Fingerprint of an id whose mix is {@code h}: 1..255, from bits the home does not use. */
  static byte fingerprint(long h) {
    int f = (int) (h >>> 8) & 0xFF;
    return (byte) (f == 0 ? 1 : f);
  }
}
