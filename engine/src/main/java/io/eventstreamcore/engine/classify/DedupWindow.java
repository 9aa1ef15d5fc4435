package io.eventstreamcore.engine.classify;

import java.util.SplittableRandom;

/**
 * Remembers event ids for a time window, bounded in keys, with no allocation per check.
 *
 * <p>An open-addressing table of {@code long} keys with backward-shift deletion indexes a FIFO of
 * (key, first-seen time). Keys leave the FIFO in insertion order, either when they are older than
 * the window or, when the table holds {@code maxKeys}, to make room: then the oldest key is
 * forgotten early, which is counted. Key 0 means "no id" and is never stored.
 *
 * <p>Layout, for the ids a producer issues in sequence: ids that differ only in their low three
 * bits form a block whose home is one 64-byte line of eight slots, and each id of the block has its
 * own slot in the line. Probing steps a whole line at a time, so the table is eight interleaved
 * linear-probing tables and a block's ids stay together in one line wherever collisions move them:
 * a check and the eviction it causes touch one line per eight ids in sequence, and a probe past a
 * collision skips whole blocks instead of scanning their slots. Beside each slot a byte keeps how
 * many steps its key sits from home, so the backward shift reads a byte instead of hashing each key
 * it passes. The hash is seeded per window, so that nobody can choose ids that pile into one of the
 * eight tables; should one still fill up (leaving one free slot so probes end), an id that finds no
 * room is not remembered, counted as forgotten early.
 *
 * <p>Single-threaded: owned by the classify stage.
 */
public final class DedupWindow {
  /** Upper bound of {@code maxKeys}: 2^26 keys take about 2 GiB. */
  public static final int MAX_KEYS = 1 << 26;

  // A displacement this large or larger is not kept: the key is hashed to find its home.
  private static final int SATURATED = 255;
  // Slots in a block, one cache line of longs; probing steps a block at a time.
  private static final int STEP = 8;
  private static final int STEP_SHIFT = 3;
  // Up to this many keys the table is sized so that each of the eight interleaved tables could
  // hold every key: small windows then never meet a full lane (512 KiB of slots at most).
  private static final int SMALL_KEYS = 4096;

  private final long windowMillis;
  private final int maxKeys;
  private final long[] table;
  // Distance of each key from its home slot; SATURATED means "that far or more: hash it".
  private final byte[] displacement;
  private final int tableMask;
  private final long seed;
  // Keys in each of the eight interleaved tables, each holding tableSize / 8 slots.
  private final int[] keysPerLane = new int[STEP];
  private final int laneCapacity;
  private final long[] fifoKeys;
  private final long[] fifoTimes;
  private int fifoHead;
  private int size;
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
    this.maxKeys = maxKeys;
    int tableSize = Integer.highestOneBit(maxKeys - 1 | 1) << 2; // load factor <= 0.5
    if (maxKeys <= SMALL_KEYS) {
      tableSize = Math.max(tableSize, Integer.highestOneBit(maxKeys) * STEP * 2);
    }
    this.table = new long[tableSize];
    this.displacement = new byte[tableSize];
    this.tableMask = tableSize - 1;
    this.laneCapacity = tableSize / STEP;
    this.seed = seed;
    this.fifoKeys = new long[maxKeys];
    this.fifoTimes = new long[maxKeys];
  }

  /**
   * Returns true when {@code id} was seen within the window before {@code nowMillis}; otherwise
   * remembers it and returns false.
   */
  public boolean checkAndRecord(long id, long nowMillis) {
    if (id == 0) {
      return false;
    }
    expire(nowMillis);
    int home = home(id);
    int slot = indexOf(id, home);
    if (table[slot] == id) {
      return true;
    }
    if (size == maxKeys) {
      // The backward shift moves keys only within the evicted key's lane (probes step whole
      // lines): the probe for id needs repeating only when that is id's lane too.
      if (removeOldest() == (home & (STEP - 1))) {
        slot = indexOf(id, home);
      }
      evictedEarly++;
    }
    if (!add(slot, home, id, nowMillis)) {
      evictedEarly++;
    }
    return false;
  }

  /**
   * Remembers {@code id} as first seen at {@code receivedMillis}: the rebuild of the window from
   * stored events at start. Ids must come oldest first, as they were stored; when the table is full
   * the oldest is forgotten to make room, so that the newest {@code maxKeys} stay (not counted as
   * {@link #evictedEarly()}: that is the rebuild's choice, not a loss). An id already remembered
   * keeps its first time. Nothing expires here: the first {@link #checkAndRecord} expires what is
   * older than the window by then, so the caller skips older ids only to save the work.
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
    int slot = indexOf(id, home);
    if (table[slot] == id) {
      return false;
    }
    if (size == maxKeys) {
      removeOldest();
      slot = indexOf(id, home);
    }
    return add(slot, home, id, receivedMillis);
  }

  /** Stores {@code id} at {@code slot}; false when its lane has no room left (not remembered). */
  private boolean add(int slot, int home, long id, long timeMillis) {
    int lane = slot & (STEP - 1);
    if (keysPerLane[lane] == laneCapacity - 1) {
      return false; // one slot stays free in every lane, so that every probe ends
    }
    keysPerLane[lane]++;
    table[slot] = id;
    setDisplacement(slot, (slot - home) & tableMask);
    int tail = fifoHead + size;
    if (tail >= maxKeys) {
      tail -= maxKeys;
    }
    fifoKeys[tail] = id;
    fifoTimes[tail] = timeMillis;
    size++;
    return true;
  }

  /** The window's length in milliseconds. */
  public long windowMillis() {
    return windowMillis;
  }

  /** Number of ids remembered now. */
  public int size() {
    return size;
  }

  /**
   * Number of ids forgotten before their window ended because the table was full, or not remembered
   * at all because their lane of the table was.
   */
  public long evictedEarly() {
    return evictedEarly;
  }

  private void expire(long nowMillis) {
    long oldestAllowed = nowMillis - windowMillis;
    while (size > 0 && fifoTimes[fifoHead] <= oldestAllowed) {
      removeOldest();
    }
  }

  /** Forgets the oldest id; returns the lane it was in, or -1 if it was not in the table. */
  private int removeOldest() {
    int lane = delete(fifoKeys[fifoHead]);
    fifoHead = fifoHead + 1 == maxKeys ? 0 : fifoHead + 1;
    size--;
    return lane;
  }

  /** Index holding {@code id}, or the empty index where it would go, probing from {@code home}. */
  private int indexOf(long id, int home) {
    int i = home;
    while (table[i] != 0 && table[i] != id) {
      i = (i + STEP) & tableMask;
    }
    return i;
  }

  private int delete(long id) {
    int hole = indexOf(id, home(id));
    if (table[hole] == 0) {
      return -1;
    }
    int lane = hole & (STEP - 1);
    table[hole] = 0;
    keysPerLane[lane]--;
    // Backward-shift: move later keys of the probe run into the hole when their home allows,
    // that is when they sit at least as far from home as from the hole.
    int i = (hole + STEP) & tableMask;
    while (table[i] != 0) {
      int fromHome = displacementAt(i);
      int fromHole = (i - hole) & tableMask;
      if (fromHome >= fromHole) {
        table[hole] = table[i];
        setDisplacement(hole, fromHome - fromHole);
        table[i] = 0;
        hole = i;
      }
      i = (i + STEP) & tableMask;
    }
    return lane;
  }

  private int displacementAt(int slot) {
    int d = displacement[slot] & 0xff;
    return d < SATURATED ? d << STEP_SHIFT : (slot - home(table[slot])) & tableMask;
  }

  private void setDisplacement(int slot, int distance) {
    displacement[slot] = (byte) Math.min(distance >>> STEP_SHIFT, SATURATED);
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
